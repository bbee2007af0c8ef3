package disclosure

import "time"

// Session is one web session as the database session store keeps it: an opaque token, the session manager's
// encoded data, and the moment it stops being valid. Sessions live in the database so that several gongkai
// processes behind one load balancer share them.
type Session struct {
	Token  string
	Data   []byte
	Expiry time.Time
}

// Live reports whether the session is still valid at now.
func (s *Session) Live(now time.Time) bool { return now.Before(s.Expiry) }
