package authenticode

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/model"
)

// trust is the root pool chains are checked against, built once on first
// use: loading the system pool reads a few hundred certificates.
type trust struct {
	cfg  analyze.Config
	once sync.Once
	pool *x509.CertPool
	// names maps the normalised subject of every root to its readable
	// form, to recognise a chain that claims a trusted root's name (with
	// any string encoding: a forger need not copy the bytes).
	names map[string]string
	now   func() time.Time
}

func newTrust(cfg analyze.Config) *trust {
	return &trust{cfg: cfg, now: time.Now}
}

func (t *trust) load() {
	t.once.Do(func() {
		t.names = map[string]string{}
		if !t.cfg.NoSystemRoots {
			if p, err := x509.SystemCertPool(); err == nil && p != nil {
				t.pool = p
				//lint:ignore SA1019 on Linux the system pool lists its subjects
				for _, s := range p.Subjects() {
					if n := rawNameString(s); n != "" {
						t.names[normName(n)] = n
					}
				}
			}
		}
		if t.pool == nil {
			t.pool = x509.NewCertPool()
		}
		for _, c := range t.cfg.TrustRoots {
			t.pool.AddCert(tolerate(c))
			t.names[normName(c.Subject.String())] = c.Subject.String()
		}
	})
}

// oidNetscapeCertType is the Netscape certificate type extension.
var oidNetscapeCertType = asn1.ObjectIdentifier{2, 16, 840, 1, 113730, 1, 1}

// tolerate returns c, or a shallow copy of it that no longer lists a
// critical Netscape certificate type extension as unhandled. The Debian
// Secure Boot CA marks it critical; OpenSSL and UEFI firmware accept it,
// Go's verifier does not. It only narrows a certificate's uses, and vouch
// checks code signing through the extended key usage.
func tolerate(c *x509.Certificate) *x509.Certificate {
	keep := c.UnhandledCriticalExtensions[:0:0]
	for _, oid := range c.UnhandledCriticalExtensions {
		if !oid.Equal(oidNetscapeCertType) {
			keep = append(keep, oid)
		}
	}
	if len(keep) == len(c.UnhandledCriticalExtensions) {
		return c
	}
	cc := *c
	cc.UnhandledCriticalExtensions = keep
	return &cc
}

// normName folds a distinguished name for comparison.
func normName(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func rawNameString(der []byte) string {
	var rdn pkix.RDNSequence
	if _, err := asn1.Unmarshal(der, &rdn); err != nil {
		return ""
	}
	var n pkix.Name
	n.FillFromRDNSequence(&rdn)
	return n.String()
}

// chainResult is what checking one certificate's chain found.
type chainResult struct {
	valid     bool
	err       string
	problem   string
	lookalike string
	chain     []*x509.Certificate
}

// check validates leaf's chain at time at, for the given usage, with the
// other certificates of the signature as intermediates. Revocation is not
// checked: vouch works offline.
func (t *trust) check(leaf *x509.Certificate, certs []*x509.Certificate, at time.Time, usage x509.ExtKeyUsage) chainResult {
	t.load()
	inter := x509.NewCertPool()
	for _, c := range certs {
		if c != leaf {
			inter.AddCert(tolerate(c))
		}
	}
	leaf = tolerate(leaf)
	opts := x509.VerifyOptions{Roots: t.pool, Intermediates: inter, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{usage}}
	chains, err := leaf.Verify(opts)
	if err == nil && len(chains) > 0 {
		return chainResult{valid: true, chain: chains[0]}
	}
	res := chainResult{err: err.Error(), chain: bestEffortChain(leaf, certs)}
	res.problem, res.lookalike = t.classify(err, leaf, res.chain, opts)
	return res
}

// classify names what is wrong with a chain, looking past the first error
// where Go's verifier stops early (an expired leaf hides an unknown root).
func (t *trust) classify(err error, leaf *x509.Certificate, chain []*x509.Certificate, opts x509.VerifyOptions) (string, string) {
	var inv x509.CertificateInvalidError
	if errors.As(err, &inv) {
		switch inv.Reason {
		case x509.Expired:
			// Would the chain hold while every certificate was valid?
			at, ok := commonValidity(chain)
			if !ok {
				return model.ChainExpired, ""
			}
			opts.CurrentTime = at
			if _, err2 := leaf.Verify(opts); err2 == nil {
				return model.ChainExpired, ""
			} else if !errors.As(err2, &inv) || inv.Reason != x509.Expired {
				return t.classify(err2, leaf, chain, opts)
			}
			return model.ChainExpired, ""
		case x509.IncompatibleUsage:
			return model.ChainKeyUsage, ""
		}
		return model.ChainInvalid, ""
	}
	var ua x509.UnknownAuthorityError
	var ia x509.InsecureAlgorithmError
	if errors.As(err, &ia) {
		return model.ChainWeakAlgorithm, ""
	}
	if errors.As(err, &ua) {
		top := chain[len(chain)-1]
		if name, ok := t.names[normName(top.Issuer.String())]; ok {
			// The chain ends at a name the pool trusts, yet did not verify.
			if weakChain(chain) {
				return model.ChainWeakAlgorithm, ""
			}
			return model.ChainLookalikeRoot, name
		}
		return model.ChainUnknownAuthority, ""
	}
	return model.ChainInvalid, ""
}

// commonValidity returns an instant at which every certificate of chain
// is within its validity, if there is one.
func commonValidity(chain []*x509.Certificate) (time.Time, bool) {
	var from, to time.Time
	for i, c := range chain {
		if i == 0 || c.NotBefore.After(from) {
			from = c.NotBefore
		}
		if i == 0 || c.NotAfter.Before(to) {
			to = c.NotAfter
		}
	}
	if len(chain) == 0 || !from.Before(to) {
		return time.Time{}, false
	}
	return from.Add(to.Sub(from) / 2), true
}

// weakChain reports a certificate signed with SHA-1, MD5 or MD2.
func weakChain(chain []*x509.Certificate) bool {
	for _, c := range chain {
		switch c.SignatureAlgorithm {
		case x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1, x509.MD5WithRSA, x509.MD2WithRSA:
			if !bytes.Equal(c.RawIssuer, c.RawSubject) {
				return true
			}
		}
	}
	return false
}

// bestEffortChain follows issuer names through the signature's own
// certificates from leaf upward, for display when no verified chain exists.
func bestEffortChain(leaf *x509.Certificate, certs []*x509.Certificate) []*x509.Certificate {
	chain := []*x509.Certificate{leaf}
	cur := leaf
	for len(chain) < 10 && !bytes.Equal(cur.RawIssuer, cur.RawSubject) {
		var next *x509.Certificate
		for _, c := range certs {
			if c == cur || !bytes.Equal(c.RawSubject, cur.RawIssuer) || contains(chain, c) {
				continue
			}
			if len(cur.AuthorityKeyId) > 0 && len(c.SubjectKeyId) > 0 && !bytes.Equal(cur.AuthorityKeyId, c.SubjectKeyId) {
				continue
			}
			next = c
			break
		}
		if next == nil {
			break
		}
		chain = append(chain, next)
		cur = next
	}
	return chain
}

func contains(cs []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

func certInfos(cs []*x509.Certificate) []model.Certificate {
	out := make([]model.Certificate, 0, len(cs))
	for _, c := range cs {
		out = append(out, *certInfo(c))
	}
	return out
}
