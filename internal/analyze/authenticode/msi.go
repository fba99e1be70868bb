package authenticode

import (
	"context"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/model"
)

func (a *analyzer) analyzeMSI(ctx context.Context, in *analyze.Input) (*model.SignatureFacts, error) {
	return &model.SignatureFacts{Format: "msi", Error: "not yet"}, nil
}

func (a *analyzer) analyzeCAB(ctx context.Context, in *analyze.Input) (*model.SignatureFacts, error) {
	return &model.SignatureFacts{Format: "cab", Error: "not yet"}, nil
}
