/**
 * Scenario files (docs/scenario-format.md) in and out: {@link xpf.sim.scenario.load.ScenarioLoader} reads YAML or
 * JSON through a located tree ({@link xpf.sim.scenario.load.TreeReader}, {@link xpf.sim.scenario.load.Node}) into
 * the {@code xpf.model.scenario} model, strictly, with {@code FILE:LINE:COLUMN: field.path: message} errors and a
 * {@link xpf.sim.scenario.load.SourceMap} for errors found later; {@link xpf.sim.scenario.load.ScenarioWriter} writes
 * a scenario back as readable YAML that loads to an equal scenario.
 */
package xpf.sim.scenario.load;
