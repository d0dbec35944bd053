package compiler

import "strings"

// helperRewrites replace some of the helpers esbuild writes at the top of
// every converted module with equivalents that are cheaper for goja.
//
// Every VU evaluates every module in its own runtime, and goja builds its
// built-in objects lazily, per runtime, on first use. esbuild's helpers
// use for-in over an object and for-of over an array, which make goja
// build Object.prototype, Array.prototype and the array iterator in every
// VU, and they copy each module's exports into fresh objects full of
// getter closures, twice for a default import. Together that was about
// 20 KB per VU for a script importing k6 and k6/http, half of what an idle
// VU held.
//
// The rewrites keep what scripts can observe, with the interop semantics of
// the Babel-based k6 v0.32: importing a module marked __esModule gives that
// module's exports object itself (Babel's interopRequireDefault), and a
// converted module's module.exports is its exports object marked
// __esModule. Each replacement has as many lines as the original, so the
// source map's lines stay right; columns only move on helper lines. The
// texts are esbuild v0.28's; if a new esbuild words them differently,
// nothing is replaced and the original helpers run, correct but heavier.
var helperRewrites = strings.NewReplacer(
	`var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};`, `var __export = (target, all) => {
  for (var names = Object.keys(all), i = 0; i < names.length; i++)
    __defProp(target, names[i], { get: all[names[i]], enumerable: true });
};`,

	`    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
`, `    for (var keys = __getOwnPropNames(from), i = 0; i < keys.length; i++) { let key = keys[i];
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable }); }
`,

	`var __toESM = (mod, isNodeMode, target) => (target = mod != null ?`,
	`var __toESM = (mod, isNodeMode, target) => !isNodeMode && mod && mod.__esModule ? mod : (target = mod != null ?`,

	`var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);`,
	`var __toCommonJS = (mod) => __defProp(mod, "__esModule", { value: true });`,
)
