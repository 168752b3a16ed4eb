package xpf.sim.xen.pv.assertions;

import java.util.Map;
import org.assertj.core.api.AbstractAssert;
import xpf.model.scenario.Errno;
import xpf.model.scenario.Outcome;
import xpf.model.x86.PfErrorCode;

/**
 * Assertions on a step's {@link Outcome}, with failures that read like the PV path's vocabulary: "Expecting #PF
 * delivered to the guest with error code P|W at cr2 0x3010 but the outcome was emulated fixup=ptwr".
 */
public final class OutcomeAssert extends AbstractAssert<OutcomeAssert, Outcome> {

    OutcomeAssert(Outcome actual) {
        super(actual, OutcomeAssert.class);
    }

    private String was() {
        return actual == null ? "null" : actual.summary();
    }

    public OutcomeAssert isCompleted() {
        isNotNull();
        if (!(actual instanceof Outcome.Completed)) {
            failWithMessage("%nExpecting the access to complete without a fault%nbut the outcome was: %s", was());
        }
        return this;
    }

    public OutcomeAssert isEmulated(String fixup) {
        isNotNull();
        if (!(actual instanceof Outcome.Emulated e) || !e.what().equals(fixup)) {
            failWithMessage("%nExpecting Xen to emulate the instruction (%s)%nbut the outcome was: %s", fixup, was());
        }
        return this;
    }

    public OutcomeAssert isFixed(String fixup) {
        isNotNull();
        if (!(actual instanceof Outcome.Fixed f) || !f.fixup().equals(fixup)) {
            failWithMessage("%nExpecting Xen to fix the fault silently (%s)%nbut the outcome was: %s", fixup, was());
        }
        return this;
    }

    /** A #PF delivered to the guest's handler with this (guest-visible) error code and CR2. */
    public OutcomeAssert isDeliveredPageFault(int errorCode, long cr2) {
        isNotNull();
        if (!(actual instanceof Outcome.Delivered dl) || dl.vector() != 14 || dl.errorCode() == null
                || dl.errorCode() != errorCode || dl.cr2() == null || dl.cr2() != cr2) {
            failWithMessage("%nExpecting #PF delivered to the guest with error code %s at cr2 0x%s%nbut the outcome "
                    + "was: %s", PfErrorCode.symbolic(errorCode), Long.toHexString(cr2), was());
        }
        return this;
    }

    public OutcomeAssert isDelivered(int vector, Integer errorCode) {
        isNotNull();
        if (!(actual instanceof Outcome.Delivered dl) || dl.vector() != vector
                || !java.util.Objects.equals(dl.errorCode(), errorCode)) {
            failWithMessage("%nExpecting vector %s delivered with error code %s%nbut the outcome was: %s", vector,
                    errorCode == null ? "none" : "0x" + Integer.toHexString(errorCode), was());
        }
        return this;
    }

    public OutcomeAssert hasHandler(long handler) {
        isNotNull();
        if (!(actual instanceof Outcome.Delivered dl) || dl.handler() != handler) {
            failWithMessage("%nExpecting the handler at 0x%s%nbut the outcome was: %s", Long.toHexString(handler),
                    was());
        }
        return this;
    }

    /** One slot of the bounce frame. */
    public OutcomeAssert hasFrameSlot(String slot, long value) {
        isNotNull();
        if (!(actual instanceof Outcome.Delivered dl) || !dl.frame().containsKey(slot)
                || dl.frame().get(slot) != value) {
            failWithMessage("%nExpecting bounce-frame slot %s = 0x%s%nbut the outcome was: %s", slot,
                    Long.toHexString(value), was());
        }
        return this;
    }

    /** Exactly these slots, in this order (layout check). */
    public OutcomeAssert hasFrameSlots(String... slots) {
        isNotNull();
        if (!(actual instanceof Outcome.Delivered dl) || !java.util.List.of(slots).equals(
                java.util.List.copyOf(dl.frame().keySet()))) {
            failWithMessage("%nExpecting bounce-frame slots %s%nbut the outcome was: %s",
                    java.util.List.of(slots), was());
        }
        return this;
    }

    public OutcomeAssert hasFrame(Map<String, Long> slots) {
        slots.forEach(this::hasFrameSlot);
        return this;
    }

    public OutcomeAssert isDomainCrash(String reason) {
        isNotNull();
        if (!(actual instanceof Outcome.DomainCrash c) || !c.reason().equals(reason)) {
            failWithMessage("%nExpecting Xen to crash the domain (%s)%nbut the outcome was: %s", reason, was());
        }
        return this;
    }

    public OutcomeAssert isPanic(String reason) {
        isNotNull();
        if (!(actual instanceof Outcome.Panic p) || !p.reason().equals(reason)) {
            failWithMessage("%nExpecting a hypervisor panic (%s)%nbut the outcome was: %s", reason, was());
        }
        return this;
    }

    /** A hypercall return code, e.g. {@code Errno.EINVAL} as {@code -22}. */
    public OutcomeAssert returned(String hypercall, long rc) {
        isNotNull();
        if (!(actual instanceof Outcome.HypercallReturned h) || !h.hypercall().equals(hypercall) || h.rc() != rc) {
            failWithMessage("%nExpecting %s to return %s%nbut the outcome was: %s", hypercall, Errno.name(rc), was());
        }
        return this;
    }

    public OutcomeAssert withDone(int done) {
        isNotNull();
        if (!(actual instanceof Outcome.HypercallReturned h) || h.done() == null || h.done() != done) {
            failWithMessage("%nExpecting %s request(s) done%nbut the outcome was: %s", done, was());
        }
        return this;
    }
}
