// Startup benchmark (bench/run.sh, figure 5): a 1-VU, 1-iteration run of this
// script measures only process start, script compile, VU init and teardown.
export default function () {}
