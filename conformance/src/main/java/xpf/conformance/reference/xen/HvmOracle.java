package xpf.conformance.reference.xen;

import java.util.LinkedHashMap;
import java.util.SequencedMap;

import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Step;
import xpf.model.x86.PagingMode;
import xpf.model.xen.DomainView;
import xpf.model.xen.HvmDomainView;

/**
 * The reference model of Xen's HVM fault outcomes (SVM and VMX, shadow paging and HAP, profiles xen-3.1 and
 * xen-4.22), written from xen-hvm-fault-path.md and x86-paging.md as decision tables (docs/reference-model-hvm.md):
 * <ul>
 *   <li>{@link ShadowFault}: {@code sh_page_fault} rows F2b..F21 and the emulate rows E2..E12 (§3), and
 *       {@link ShadowFault2007} for Xen 3.1 (§3.4);</li>
 *   <li>{@link HapFault}: the outcome classes of {@code hvm_hap_nested_page_fault} (§5.2);</li>
 *   <li>{@link ExceptionCombination}: {@code hvm_combine_hw_exceptions} (§4) and SDM Table 6-5 (§1.1g);</li>
 *   <li>{@link HvmEvent}: the EVENTINJ / EXITINTINFO and VMX interruption-information encodings (§1.2, §2.2) and
 *       {@code hvm_event_needs_reinjection};</li>
 *   <li>{@link GuestDelivery}: the processor's delivery through the guest IDT;</li>
 *   <li>{@link HvmRun}: one step, exit after exit, with the outcome priority of the simulator's contract.</li>
 * </ul>
 * {@link #predict} is side-effect free, deterministic and needs only the view: it runs on copies.
 */
public final class HvmOracle implements OutcomeOracle {

    /** The reason prefix of a prediction the model could not make because of its own error. */
    public static final String INTERNAL = "reference model error: ";

    @Override
    public Prediction predict(DomainView before, Step step) {
        if (!(before instanceof HvmDomainView d)) {
            return Prediction.notModelled("not an HVM domain");
        }
        if (!d.alive()) {
            if (d.end() == null) {
                return Prediction.notModelled("a stopped domain without its terminal outcome");
            }
            return new Prediction(d.end().outcome(), d.end().fields(), "hvm.end",
                    "the domain has stopped: every step reports how it ended");
        }
        if (step.vcpu() < 0 || step.vcpu() >= d.vcpus().size()) {
            return Prediction.notModelled("no such vCPU");
        }
        try {
            return switch (step.op()) {
                case GuestAccess a -> new HvmRun(d, step, a).run();
                case ControlWrite w -> controlWrite(d, step, w);
                case Invlpg i -> ok("hvm.invlpg", "INVLPG: Xen drops the shadow entry (or the TLB entry); never a "
                        + "fault");
                case HostWrite h -> ok("hvm.host_write", "memory written behind the guest's back");
                case Hypercall h -> Prediction.notModelled("hypercalls on an HVM domain");
            };
        } catch (NotModelled e) {
            return Prediction.notModelled(e.getMessage());
        } catch (RuntimeException e) {
            // never let a gap of the model break a caller's run: report it, the differential tests fail on it
            return Prediction.notModelled(INTERNAL + e);
        }
    }

    private static Prediction ok(String rule, String why) {
        return new Prediction(OutcomeClass.OK, new LinkedHashMap<>(), rule, why);
    }

    /**
     * A control-register write: under shadow paging the MOV CR3/CR0/CR4 exits are handled by Xen (new shadow
     * root, resync); under HAP they do not exit. Either way the guest sees the write complete. What the model does
     * not follow: PAE PDPTE loads under HAP (their reserved-bit #GP), writes enabling a feature the CPU (or, for
     * protection keys, shadow paging) does not offer, knobs.
     */
    private static Prediction controlWrite(HvmDomainView d, Step step, ControlWrite w) {
        if (step.knobs().any()) {
            return Prediction.notModelled("knobs on a control-register write");
        }
        HvmDomainView.Vcpu v = d.vcpus().get(step.vcpu());
        PagingMode mode = w.mode() != null ? w.mode() : v.mode();
        // Under shadow paging a PAE guest's MOV CR3 (and a write entering PAE paging) exits to Xen, which does not
        // check the PDPTEs: hvm_set_cr3 (HEAD c447b73 xen/arch/x86/hvm/hvm.c; 3.1 mov_to_cr in hvm/vmx/vmx.c and
        // hvm/svm/svm.c) calls paging_update_cr3, and sh_update_cr3 (mm/shadow/multi.c) copies the four guest l3
        // entries into its gl3e[] cache and builds the top level from the present ones; the processor walks Xen's
        // shadow tables, never the guest's PDPTEs. So the write completes; later walks use the PDPTEs
        // this load read (the view's pdpte). Under HAP the processor loads the guest's PDPTEs itself (reserved
        // bits: not modelled here).
        if (mode == PagingMode.PAE && (w.cr3() != null || w.mode() != null) && d.paging() != HvmPaging.SHADOW) {
            return Prediction.notModelled("a PAE PDPTE load");
        }
        if (mode == PagingMode.LONG5 && (d.paging() == HvmPaging.SHADOW || !d.machine().has(CpuFeature.LA57))) {
            return Prediction.notModelled("5-level paging without LA57 or under shadow paging");
        }
        for (ControlFlag f : w.set()) {
            CpuFeature need = BareOracle.featureOf(f);
            if (need != null && !d.machine().has(need)) {
                return Prediction.notModelled("setting " + f + " without the CPU feature");
            }
            if ((f == ControlFlag.PKE || f == ControlFlag.PKS) && d.paging() == HvmPaging.SHADOW) {
                return Prediction.notModelled("protection keys under shadow paging");
            }
        }
        SequencedMap<String, String> none = new LinkedHashMap<>();
        return new Prediction(OutcomeClass.OK, none, "hvm.cr_write", "the control-register write completes");
    }
}
