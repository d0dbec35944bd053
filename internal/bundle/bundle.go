package bundle

import (
	_ "github.com/stampede-load/stampede/internal/jsmods/k6"             // "k6"
	_ "github.com/stampede-load/stampede/internal/jsmods/k6/crypto"      // "k6/crypto"
	_ "github.com/stampede-load/stampede/internal/jsmods/k6/crypto/x509" // "k6/crypto/x509"
	_ "github.com/stampede-load/stampede/internal/jsmods/k6/data"        // "k6/data"
	_ "github.com/stampede-load/stampede/internal/jsmods/k6/encoding"    // "k6/encoding"
	_ "github.com/stampede-load/stampede/internal/jsmods/k6/grpc"        // "k6/net/grpc"
	_ "github.com/stampede-load/stampede/internal/jsmods/k6/html"        // "k6/html"
	_ "github.com/stampede-load/stampede/internal/jsmods/k6/http"        // "k6/http"
	_ "github.com/stampede-load/stampede/internal/jsmods/k6/metrics"     // "k6/metrics"
	_ "github.com/stampede-load/stampede/internal/jsmods/k6/ws"          // "k6/ws"
	_ "github.com/stampede-load/stampede/internal/outputs/csv"           // -o csv
	_ "github.com/stampede-load/stampede/internal/outputs/influxdb"      // -o influxdb
	_ "github.com/stampede-load/stampede/internal/outputs/json"          // -o json
	_ "github.com/stampede-load/stampede/internal/outputs/statsd"        // -o statsd, -o datadog
)
