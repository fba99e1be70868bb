package report

import (
	"testing"

	"github.com/vouch-sec/vouch/internal/model"
)

func TestVerdictWord(t *testing.T) {
	tests := []struct {
		v, failOn model.Severity
		want      string
	}{
		{model.SeverityNone, model.SeverityHigh, "clean: no findings"},
		{model.SeverityHigh, model.SeverityHigh, "HIGH: fails the gate (--fail-on high)"},
		{model.SeverityLow, model.SeverityHigh, "LOW: below the gate (--fail-on high)"},
		{model.SeverityLow, model.SeverityCritical + 1, "LOW (gate off: --fail-on none)"},
	}
	for _, tc := range tests {
		if got := verdictWord(tc.v, tc.failOn); got != tc.want {
			t.Errorf("verdictWord(%v, %v) = %q, want %q", tc.v, tc.failOn, got, tc.want)
		}
	}
}
