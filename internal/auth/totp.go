package auth

import (
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// NewTOTP makes a new TOTP secret for a user and the otpauth:// URL an authenticator app reads.
func NewTOTP(issuer, account string) (secret, url string, err error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account})
	if err != nil {
		return "", "", err
	}
	return k.Secret(), k.URL(), nil
}

// TOTPPeriod is the length of a TOTP time step.
const TOTPPeriod = 30 * time.Second

// MaxTOTPAttempts is how many codes one half-logged-in session may try before it ends and the
// password must be given again (6 digits: 5 tries give a 1 in 200,000 chance).
const MaxTOTPAttempts = 5

// CheckTOTP validates a 6-digit code at time now, allowing one 30-second step of clock skew.
func CheckTOTP(secret, code string, now time.Time) bool {
	_, ok := MatchTOTP(secret, code, now)
	return ok
}

// MatchTOTP validates a 6-digit code at time now, allowing one step of clock skew, and returns
// the time step it belongs to: a code is accepted once (RFC 6238 §5.2), so the caller keeps the
// last step used and refuses it and those before it.
func MatchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	opts := totp.ValidateOpts{Period: uint(TOTPPeriod / time.Second), Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	for _, skew := range []time.Duration{0, -TOTPPeriod, TOTPPeriod} {
		t := now.Add(skew)
		if valid, _ := totp.ValidateCustom(code, secret, t, opts); valid {
			return t.Unix() / int64(TOTPPeriod/time.Second), true
		}
	}
	return 0, false
}

// TOTPCode returns the current code for secret (demo and tests).
func TOTPCode(secret string, now time.Time) (string, error) {
	return totp.GenerateCode(secret, now)
}
