# The README's two commands are `go run ./cmd/stampede demo` and `make test`.
GO ?= go

.PHONY: build test demo bench fuzz vet

build:
	$(GO) build -o stampede ./cmd/stampede

test:
	$(GO) test -race -count=1 -timeout 20m ./...

demo:
	$(GO) run ./cmd/stampede demo

vet:
	gofmt -l $$(git ls-files '*.go')
	$(GO) vet ./...

bench:
	bash bench/run.sh

# Short fuzzing pass over every parser; the corpora live in testdata/fuzz.
fuzz:
	$(GO) test -run=^$$ -fuzz=FuzzParse$$ -fuzztime=30s ./internal/metrics/threshold/
	$(GO) test -run=^$$ -fuzz=FuzzParseMetricKey -fuzztime=30s ./internal/metrics/threshold/
