// Package harconv turns a HAR 1.2 recording (the JSON a browser's developer
// tools export) into a k6 v0.32 test script: `stampede convert`
// (k6-spec §1.1). It imports only the standard library.
//
// [Parse] reads and validates the HAR. Input that is not JSON, not a HAR
// (no "log" object, no "log.entries") or holds an unusable entry (no method,
// a URL that is not absolute http/https, a bad startedDateTime) gives an
// error wrapping [ErrInvalid] that fits on one line and names the JSON
// position (line:column) or the field ("log.entries[2].request.url").
//
// [Generate] writes the script. Its layout follows k6's converter:
//
//	import { group, sleep, check } from 'k6';
//	import http from 'k6/http';
//	export let options = {…};            // the --options file, verbatim JSON
//	export default function main() {
//	  let res;
//	  group("page_1 - <title>", function () { … });
//	  sleep(…);                          // between --min-sleep and --max-sleep
//	}
//
// Entries are grouped by pageref, pages in the order of their
// startedDateTime and entries in the order of theirs (ties keep file
// order). Entries without a known page form one extra group after the
// listed pages. A group is named "page_<n> - <page title>", n counting from
// 1 over the groups written; the title falls back to the first request's
// URL. Within a group, an entry that starts at most BatchThreshold ms after
// the previous one joins its http.batch (NoBatch turns batching off); a
// batch of one is a plain request.
//
// Requests keep method, URL, body and headers. The body is postData.text,
// or, when there is no text, postData.params as an object (sent
// form-encoded). HTTP/2 pseudo-headers (":authority"…), Host,
// Content-Length, Cookie and the hop-by-hop headers (Connection,
// Keep-Alive, Proxy-Connection, Transfer-Encoding, TE, Trailer, Upgrade)
// are dropped: the HTTP client sets them. Cookies are sent explicitly via
// params.cookies from request.cookies (or, when that list is empty, parsed
// from the Cookie header), so a recording made in a logged-in browser
// replays logged in; cookies servers set during the run still go through
// the VU's jar. An entry whose recorded status is 3xx is sent with
// `redirects: 0`: the recording already holds the request the redirect led
// to as an entry of its own, so the replay makes the same requests and a
// "status is 302" check holds.
//
// With status checks on, each request gets check(res, {"status is N": …})
// for its recorded status (entries recorded with status 0, i.e. failed or
// blocked, get none); ReturnOnFailedCheck wraps each check in
// `if (!check(…)) { return; }`, leaving the page's group (the iteration
// goes on with the sleep and the next page). It has no effect without
// status checks.
//
// Deviations from k6 v0.32: --correlate (k6's heuristic that rewrites
// later requests with values from earlier responses) is not supported and
// is rejected by the CLI; sleeps are fractional seconds
// (min + Math.random() * (max - min)) rather than whole ones; the script
// carries no "Creator"/"Browser" comments.
package harconv
