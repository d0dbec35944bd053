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

# Short fuzzing pass over every parser; the corpora live in each package's
# testdata/fuzz and are replayed by every `make test`.
FUZZTIME ?= 20s
fuzz:
	$(GO) test -run=^$$ -fuzz=^FuzzParse$$ -fuzztime=$(FUZZTIME) ./internal/metrics/threshold/
	$(GO) test -run=^$$ -fuzz=^FuzzParseMetricKey$$ -fuzztime=$(FUZZTIME) ./internal/metrics/threshold/
	$(GO) test -run=^$$ -fuzz=^FuzzParseDuration$$ -fuzztime=$(FUZZTIME) ./internal/scenario/
	$(GO) test -run=^$$ -fuzz=^FuzzParseScenario$$ -fuzztime=$(FUZZTIME) ./internal/scenario/
	$(GO) test -run=^$$ -fuzz=^FuzzOptionsJSON$$ -fuzztime=$(FUZZTIME) ./internal/config/
	$(GO) test -run=^$$ -fuzz=^FuzzTagSetOps$$ -fuzztime=$(FUZZTIME) ./metrics/
