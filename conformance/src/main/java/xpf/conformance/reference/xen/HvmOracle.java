package xpf.conformance.reference.xen;

import java.util.LinkedHashMap;
import java.util.SequencedMap;

import xpf.conformance.reference.XenGuestWalk;

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
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vectors;
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
        // this load read (the view's pdpte). Under HAP a pure MOV CR3 does not exit: the processor loads the PDPTEs
        // itself (VMX/EPT) or walks them from memory (SVM/NPT), see hapMovCr3.
        if (mode == PagingMode.PAE && (w.cr3() != null || w.mode() != null) && d.paging() != HvmPaging.SHADOW) {
            if (!movCr3Only(v, w)) {
                // Xen intercepts a CR0/CR4 change under HAP, and what it does with a reserved PDPTE bit there
                // (vmx_load_pdptrs copies unchecked and lets the VM entry fail) is not in the reference
                return Prediction.notModelled("a PAE PDPTE load Xen intercepts under HAP (a mode or flag change)");
            }
            return hapMovCr3(d, step, v, w);
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

    /** A write of CR3 alone, the vCPU staying in PAE paging (no mode, flag or PKRU change). */
    static boolean movCr3Only(HvmDomainView.Vcpu v, ControlWrite w) {
        if (w.cr3() == null || v.mode() != PagingMode.PAE || (w.mode() != null && w.mode() != PagingMode.PAE)
                || (w.pkru() != null && w.pkru() != v.controls().pkru())) {
            return false;
        }
        for (ControlFlag f : w.set()) {
            if (!flagSet(v.controls(), f)) {
                return false;
            }
        }
        for (ControlFlag f : w.clear()) {
            if (flagSet(v.controls(), f)) {
                return false;
            }
        }
        return true;
    }

    private static boolean flagSet(xpf.model.x86.PagingControls c, ControlFlag f) {
        return switch (f) {
            case WP -> c.cr0Wp();
            case PSE -> c.cr4Pse();
            case PGE -> c.cr4Pge();
            case SMEP -> c.cr4Smep();
            case SMAP -> c.cr4Smap();
            case PKE -> c.cr4Pke();
            case PKS -> c.cr4Pks();
            case NXE -> c.eferNxe();
            case AC -> c.eflagsAc();
        };
    }

    /**
     * A guest MOV CR3 in PAE paging under HAP: not intercepted (VMX with EPT: Xen clears CR3-load exiting, vmcs.c
     * construct_vmcs, vmx.c vmx_update_guest_cr; SVM with NPT: "No point in intercepting CR3 reads/writes",
     * svm/vmcb.c construct_vmcb; Xen 4.22). VMX: the processor loads the PDPTE registers from the new CR3 and a
     * present PDPTE with a reserved bit (63:M, 8:5, 2:1) makes the MOV fault with #GP(0), nothing loaded (SDM vol. 3
     * §4.4.1, x86-paging.md §1.1b), delivered by the processor through the guest IDT (#GP is not intercepted). SVM:
     * under nested paging the processor loads no PDPTEs (it reads them from memory with each walk), so the write
     * completes and a reserved bit is the #PF(P|RSVD) of a later walk. Finding seed5-try67837 (27 Nov 2026).
     */
    private static Prediction hapMovCr3(HvmDomainView d, Step step, HvmDomainView.Vcpu v, ControlWrite w) {
        if (d.svm()) {
            return new Prediction(OutcomeClass.OK, new LinkedHashMap<>(), "hvm.cr_write",
                    "MOV CR3 under NPT: not intercepted, no PDPTE load (the walks read the PDPTEs from memory)");
        }
        long[] loaded = HvmRun.pdptesAt(d, step, w.cr3());
        long reserved = XenGuestWalk.pdpteLoadReserved(new CpuConfig(d.machine().vendor(), d.machine().maxPhyAddr(),
                d.machine().has(CpuFeature.PAGE1GB)));
        for (int i = 0; i < 4; i++) {
            if ((loaded[i] & 1) != 0 && (loaded[i] & reserved) != 0) {
                return HvmRun.processorFault(d, step, Vectors.GP, 0, "MOV CR3 under EPT: PDPTE " + i + " = 0x"
                        + Long.toHexString(loaded[i]) + " has reserved bits 0x" + Long.toHexString(loaded[i] & reserved)
                        + ": the PDPTE load fails with #GP(0) (SDM vol. 3 §4.4.1), not intercepted");
            }
        }
        return new Prediction(OutcomeClass.OK, new LinkedHashMap<>(), "hvm.cr_write",
                "MOV CR3 under EPT: not intercepted, the PDPTE registers load (no present PDPTE has a reserved bit)");
    }
}
