/**
 * Failure output: the report text, choice-file and rendered-file artifacts, the replay command, and the renderer
 * hook suites use to write scenario files.
 */
package xpf.prop.report;
