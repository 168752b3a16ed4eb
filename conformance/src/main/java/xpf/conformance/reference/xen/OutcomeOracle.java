package xpf.conformance.reference.xen;

import xpf.model.scenario.Step;
import xpf.model.xen.DomainView;

/**
 * An independent model of what Xen should do with one step: given the domain's state before the step (a plain-data
 * view) and the step, the expected outcome. Written from ../shared/reference/ as decision tables, never from the
 * simulator (this package may import only java.* and xpf.model.*).
 */
public interface OutcomeOracle {

    /**
     * @return the prediction, or {@link Prediction#notModelled} when this oracle does not model the step (the caller
     *         counts those, so a property can require that the interesting steps are modelled)
     */
    Prediction predict(DomainView before, Step step);
}
