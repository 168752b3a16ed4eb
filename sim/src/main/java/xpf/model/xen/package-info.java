/**
 * Plain-data views of a running domain's state, taken before each step: what the independent reference model of Xen's
 * fault outcomes ({@code xpf.conformance.reference}) needs to predict the step, and what invariants inspect. The
 * simulator produces them ({@code xpf.sim.scenario.DomainViews}); nothing here has behaviour.
 */
package xpf.model.xen;
