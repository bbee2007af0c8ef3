// Package auth holds gongkai's security rules that need neither a database nor HTTP: argon2id password hashing and
// the password policy, the sign-in lockout policy, TOTP second factors (RFC 6238), API tokens and their scopes, and
// the access-control table — which role may do what, and where.
//
// Everything here is a pure function of its arguments (plus crypto/rand), so the web layer applies the results to
// the stored account and the rules are tested without a server.
package auth
