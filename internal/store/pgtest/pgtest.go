// Package pgtest gives tests a fresh PostgreSQL database: on the server named by GONGKAI_TEST_POSTGRES (a
// postgres:// URL whose user may create databases), or on a throwaway cluster it starts itself (initdb + pg_ctl on
// a free 127.0.0.1 port, fsync off) when PostgreSQL's binaries are installed. Without either, tests are skipped with
// a clear message — or fail, when GONGKAI_REQUIRE_POSTGRES is set (CI sets it, so the PostgreSQL suite never
// silently skips there).
//
// A package's tests use it by calling Main from TestMain and NewDatabase from each test. The cluster starts once
// per test binary, on first use, and stops when the binary ends — through Main normally, and through a watchdog
// process when the binary dies any other way (a panic, a timeout, a kill).
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

var (
	once      sync.Once
	adminDSN  string
	startErr  error
	startTook time.Duration
	logged    sync.Once
	dataDir   string
	binDir    string
	watchdog  *exec.Cmd
)

// NewDatabase creates an empty database for one test and returns its DSN; the database is dropped when the test
// ends. It skips the test when PostgreSQL is unavailable, unless GONGKAI_REQUIRE_POSTGRES is set.
func NewDatabase(t testing.TB) string {
	t.Helper()
	once.Do(start)
	if startErr != nil {
		msg := "PostgreSQL 未安装或无法启动，跳过（设置 GONGKAI_TEST_POSTGRES 或安装 postgresql）：" + startErr.Error()
		if os.Getenv("GONGKAI_REQUIRE_POSTGRES") != "" {
			t.Fatal(msg + "；GONGKAI_REQUIRE_POSTGRES 已设置，不能跳过")
		}
		t.Skip(msg)
	}
	logged.Do(func() {
		if startTook > 0 {
			t.Logf("pgtest: throwaway PostgreSQL cluster started in %v", startTook.Round(time.Millisecond))
		}
	})
	name := "t_" + randomHex(8)
	if err := admin(func(db *sql.DB) error {
		// WAL_LOG copies the template through the WAL, several times faster here than FILE_COPY and its
		// checkpoints; servers before PostgreSQL 15 know only the plain form.
		if _, err := db.Exec("CREATE DATABASE " + name + " STRATEGY WAL_LOG"); err == nil {
			return nil
		}
		_, err := db.Exec("CREATE DATABASE " + name)
		return err
	}); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		admin(func(db *sql.DB) error {
			_, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			return err
		})
	})
	dsn, err := withDatabase(adminDSN, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

func admin(fn func(db *sql.DB) error) error {
	db, err := sql.Open("pgx", adminDSN)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

// withDatabase returns dsn with its database name replaced.
func withDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("GONGKAI_TEST_POSTGRES 应为 postgres://用户@主机:端口/数据库 形式的地址")
	}
	u.Path = "/" + name
	return u.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func start() {
	if dsn := os.Getenv("GONGKAI_TEST_POSTGRES"); dsn != "" {
		adminDSN = dsn
		if _, err := withDatabase(dsn, "x"); err != nil {
			startErr = err
		}
		return
	}
	began := time.Now()
	binDir = findBinDir()
	if binDir == "" {
		startErr = fmt.Errorf("找不到 initdb 和 pg_ctl（已查找 PATH 和 /usr/lib/postgresql/*/bin）")
		return
	}
	dir, err := os.MkdirTemp("", "gongkai-pg-")
	if err != nil {
		startErr = err
		return
	}
	dataDir = dir
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
	opts := fmt.Sprintf("-F -p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", port, dir)
	if err := run("pg_ctl", "-D", pgdata, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		startErr = err
		return
	}
	startWatchdog()
	adminDSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if admin(func(db *sql.DB) error { return db.PingContext(ctx) }) == nil {
			startTook = time.Since(began)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	startErr = fmt.Errorf("PostgreSQL 启动后无法连接")
}

// startWatchdog starts a shell that waits for this test binary to exit and then stops the cluster and removes its
// folder. Main stops the cluster on a normal exit; the watchdog covers the exits that skip deferred calls. It runs
// in its own process group with no inherited output, so `go test` neither kills it early nor waits for it.
func startWatchdog() {
	stop := shellQuote(filepath.Join(binDir, "pg_ctl")) + " -D " + shellQuote(filepath.Join(dataDir, "data")) + " -m immediate -w stop"
	if os.Geteuid() == 0 {
		stop = "runuser -u postgres -- " + stop
	}
	script := fmt.Sprintf("while kill -0 %d 2>/dev/null; do sleep 1; done; %s >/dev/null 2>&1; rm -rf %s",
		os.Getpid(), stop, shellQuote(dataDir))
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if cmd.Start() == nil {
		watchdog = cmd
	}
}

func shellQuote(s string) string {
	out := "'"
	for _, r := range s {
		if r == '\'' {
			out += `'\''`
		} else {
			out += string(r)
		}
	}
	return out + "'"
}

// Stop shuts the throwaway cluster down and removes it. Main calls it; call it yourself only from a TestMain that
// does not use Main.
func Stop() {
	if dataDir == "" {
		return
	}
	if binDir != "" {
		run("pg_ctl", "-D", filepath.Join(dataDir, "data"), "-m", "immediate", "-w", "stop")
	}
	os.RemoveAll(dataDir)
	if watchdog != nil {
		watchdog.Process.Kill()
		watchdog.Wait()
		watchdog = nil
	}
	dataDir = ""
}

// Main runs the tests of a package that uses NewDatabase and stops the cluster afterwards, also when a test
// function panics on the main test goroutine.
func Main(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	defer Stop()
	return m.Run()
}

// findBinDir finds initdb and pg_ctl: on PATH first, then in Debian's /usr/lib/postgresql/<version>/bin (newest
// version first), where Debian installs them off PATH.
func findBinDir() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p)
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	for _, m := range matches {
		if _, err := os.Stat(filepath.Join(filepath.Dir(m), "pg_ctl")); err == nil {
			return filepath.Dir(m)
		}
	}
	return ""
}

// version extracts the major version from /usr/lib/postgresql/<version>/bin/initdb.
func version(path string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return v
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// run runs a PostgreSQL program. initdb and postgres refuse to run as root, so as root it runs them as the
// postgres user (which Debian's postgresql package creates), with the cluster folder handed over to that user.
func run(name string, args ...string) error {
	bin := filepath.Join(binDir, name)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("以 root 运行时需要 postgres 用户：%v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		filepath.Walk(dataDir, func(p string, _ os.FileInfo, _ error) error { os.Lchown(p, uid, gid); return nil })
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
