// Package pgtest gives tests a fresh PostgreSQL database: on the server named by GONGKAI_TEST_POSTGRES, or on a
// throwaway cluster it starts itself (initdb + pg_ctl on a free 127.0.0.1 port, fsync off) when PostgreSQL's
// binaries are installed. Without either, tests are skipped with a clear message — or fail, when
// GONGKAI_REQUIRE_POSTGRES is set (CI sets it, so the PostgreSQL suite never silently skips there).
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

var (
	once     sync.Once
	adminDSN string
	startErr error
	dataDir  string
	binDir   string
	counter  atomic.Int64
)

// NewDatabase creates an empty database for one test and returns its DSN; the database is dropped when the test
// ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	once.Do(start)
	if startErr != nil {
		msg := "PostgreSQL 不可用，跳过：" + startErr.Error() + "（设置 GONGKAI_TEST_POSTGRES 或安装 postgresql）"
		if os.Getenv("GONGKAI_REQUIRE_POSTGRES") != "" {
			t.Fatal(msg + "；GONGKAI_REQUIRE_POSTGRES 已设置，不能跳过")
		}
		t.Skip(msg)
	}
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), counter.Add(1))
	admin, err := sql.Open("pgx", adminDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", adminDSN)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	return dsnFor(name)
}

func dsnFor(db string) string {
	u := adminDSN
	// adminDSN ends in /postgres?… for the throwaway cluster; for a given server, swap the database name.
	if i := lastSlash(u); i >= 0 {
		rest := ""
		if q := indexByte(u[i:], '?'); q >= 0 {
			rest = u[i+q:]
		}
		return u[:i+1] + db + rest
	}
	return u
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func start() {
	if dsn := os.Getenv("GONGKAI_TEST_POSTGRES"); dsn != "" {
		adminDSN = dsn
		return
	}
	binDir = findBinDir()
	if binDir == "" {
		startErr = fmt.Errorf("找不到 initdb 和 pg_ctl")
		return
	}
	dir, err := os.MkdirTemp("", "gongkai-pg-")
	if err != nil {
		startErr = err
		return
	}
	dataDir = dir
	if err := os.Chmod(dir, 0o777); err != nil {
		startErr = err
		return
	}
	port, err := freePort()
	if err != nil {
		startErr = err
		return
	}
	pgdata := filepath.Join(dir, "data")
	if err := run("initdb", "-D", pgdata, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"); err != nil {
		startErr = err
		return
	}
	opts := fmt.Sprintf("-F -p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
	if err := run("pg_ctl", "-D", pgdata, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		startErr = err
		return
	}
	adminDSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, _ := sql.Open("pgx", adminDSN)
	defer db.Close()
	for ctx.Err() == nil {
		if err := db.PingContext(ctx); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	startErr = fmt.Errorf("PostgreSQL 启动后无法连接")
}

// Stop shuts the throwaway cluster down and removes it; call it from TestMain after m.Run.
func Stop() {
	if dataDir == "" {
		return
	}
	if binDir != "" {
		run("pg_ctl", "-D", filepath.Join(dataDir, "data"), "-m", "immediate", "-w", "stop")
	}
	os.RemoveAll(dataDir)
}

// Main runs the tests of a package that uses NewDatabase and stops the cluster afterwards.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

func findBinDir() string {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Strings(matches)
	if len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1])
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// run runs a PostgreSQL program; as root it runs as the postgres user, since initdb and postgres refuse root.
func run(name string, args ...string) error {
	bin := filepath.Join(binDir, name)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("以 root 运行时需要 postgres 用户：%v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		filepath.Walk(dataDir, func(p string, _ os.FileInfo, _ error) error { os.Lchown(p, uid, -1); return nil })
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	} else {
		cmd = exec.Command(bin, args...)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, out)
	}
	return nil
}
