package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// The public forms (the online application, the subscription) carry a token the form page issues: the time it was
// shown, a random nonce and an HMAC-SHA256 over both and the form's name, under a key every process of the
// deployment shares (store.Secret). A submission is taken only with a token that is genuine, at least MinFillTime and
// at most formTokenMaxAge old. That tells a person, who opens the form and needs seconds to fill it in, from a script
// that posts straight away — whether or not the request carries cookies.

// formTokenMaxAge is how long a form stays valid after it was shown.
const formTokenMaxAge = 2 * time.Hour

// formTokenSkew is how far in the future a token's time may lie: the clocks of the processes of one deployment
// differ by a little.
const formTokenSkew = time.Minute

// formTokenSecret is the name of the signing key among the deployment's secrets.
const formTokenSecret = "form_token"

// formTokenField is the hidden field that carries the token.
const formTokenField = "form_token"

// tokenProblem is why a form token is refused.
type tokenProblem int

const (
	tokenOK tokenProblem = iota
	// tokenInvalid: missing, malformed, forged, for another form, from the future, or too old.
	tokenInvalid
	// tokenTooFast: genuine, but submitted sooner after the form was shown than a person could fill it in.
	tokenTooFast
)

var b64 = base64.RawURLEncoding

func formTokenMAC(key []byte, form, issued, nonce string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("gongkai form token\x00" + form + "\x00" + issued + "\x00" + nonce))
	return m.Sum(nil)
}

// signFormToken returns the token of form shown at the time, with the nonce.
func signFormToken(key []byte, form string, at time.Time, nonce []byte) string {
	issued, n := strconv.FormatInt(at.UnixMilli(), 10), b64.EncodeToString(nonce)
	return issued + "." + n + "." + b64.EncodeToString(formTokenMAC(key, form, issued, n))
}

// issueFormToken returns a fresh token for the form, shown now.
func (s *Server) issueFormToken(form string) string {
	nonce := make([]byte, 16)
	rand.Read(nonce)
	return signFormToken(s.formKey, form, s.now(), nonce)
}

// checkFormToken says whether the token is a genuine one of form, shown long enough ago and not too long ago.
func (s *Server) checkFormToken(form, token string) tokenProblem {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(token) > 200 {
		return tokenInvalid
	}
	mac, err := b64.DecodeString(parts[2])
	if err != nil || !hmac.Equal(mac, formTokenMAC(s.formKey, form, parts[0], parts[1])) {
		return tokenInvalid
	}
	ms, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return tokenInvalid
	}
	age := s.now().Sub(time.UnixMilli(ms))
	switch {
	case age < -formTokenSkew || age > formTokenMaxAge:
		return tokenInvalid
	case s.cfg.MinFillTime > 0 && age < s.cfg.MinFillTime:
		return tokenTooFast
	}
	return tokenOK
}
