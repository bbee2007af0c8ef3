package web

import (
	"net/http"
	"strings"
	"time"
)

// uploadTime is how long a request carrying files may take to arrive: a 10 MB photo sent from a phone on a slow
// mobile connection (256 kbit/s) takes more than five minutes, far beyond the server's ReadTimeout, which guards
// every other request (serve sets 60 s) against clients that send slowly to hold connections.
const uploadTime = 10 * time.Minute

// allowUpload gives a multipart request (a form with files) uploadTime to arrive and a minute more for its answer;
// other requests keep the server's timeouts. A body larger than the form's limit is still cut by the limit.
func allowUpload(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return
	}
	rc := http.NewResponseController(w)
	now := time.Now()
	rc.SetReadDeadline(now.Add(uploadTime))
	rc.SetWriteDeadline(now.Add(uploadTime + time.Minute))
}

// streamIdle is how long a long download (an open-data export) may go without progress before it is cut: the
// server's WriteTimeout (serve sets 120 s) would end a 700 MB export on any ordinary connection, so a stream moves
// its own deadline on as it goes.
const streamIdle = 2 * time.Minute

// extendStream moves the response's write deadline streamIdle ahead: called as a stream makes progress, it cuts
// only a client that stopped reading.
func extendStream(w http.ResponseWriter) {
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(streamIdle))
}
