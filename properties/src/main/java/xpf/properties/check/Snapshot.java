package xpf.properties.check;

import xpf.model.scenario.GuestAccess;
import xpf.model.x86.Access;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.xen.BareDomainView;
import xpf.model.xen.DomainView;
import xpf.sim.domain.GuestDomain;
import xpf.sim.scenario.BareDomain;
import xpf.sim.xen.hvm.HvmDomain;
import xpf.sim.xen.hvm.HvmVcpu;
import xpf.sim.xen.hvm.HvmView;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.p2m.P2mType;

/**
 * The acting domain's state before a step, as the invariants need it: plain-data views, the acting vCPU's controls,
 * and for an access the reference walk's answer for it ({@link WalkProbe}), taken before the step changes anything.
 */
public sealed interface Snapshot {

    boolean alive();

    /** The domain's plain-data view for the reference model (null when there is no adapter for its kind yet). */
    DomainView domainView();

    /** A PV domain: its plain-data view before the step (the PV invariants compare it with the view after). */
    record Pv(xpf.model.xen.PvDomainView view) implements Snapshot {
        @Override
        public boolean alive() {
            return view.alive();
        }

        @Override
        public DomainView domainView() {
            return view;
        }
    }

    /** Any kind without a specific snapshot yet (only liveness of the domain). */
    record Plain(boolean alive, DomainView domainView) implements Snapshot {
    }

    /**
     * An HVM domain: its view, the vCPU's view and controls (guest paging mode and flags), the cached PAE PDPTEs, the
     * CPU the guest's walk sees, and the reference walk of the step's access ({@code probe} null when the step is not
     * an access, paging is off, or the walk touched tables outside plain RAM), and under shadow paging the vTLB entry
     * an F1 fast emulation of the step would translate its page through ({@code fastVtlb}, null when none).
     */
    record Hvm(HvmView view, HvmView.Vcpu vcpu, PagingControls controls, PagingMode mode, long[] pdpte,
            CpuConfig guestCpu, Access access, WalkProbe.Probe probe, DomainView domainView, boolean eventPending,
            FastVtlb fastVtlb) implements Snapshot {
        @Override
        public boolean alive() {
            return view.alive();
        }
    }

    /**
     * SHOPT_FAST_EMULATION's remembered frame ({@code last_emulated_frame}, a guest linear page number) while
     * {@code last_write_emul_ok} is set and the vTLB slot of that page still holds the translation the emulating
     * fault inserted ({@code gfn}): no {@code vtlb_flush} ({@code sh_invlpg}, {@code sh_update_cr3}) and no other
     * page's {@code vtlb_insert} into the slot since (mm/shadow/multi.c, private.h, 4.22). The same state the
     * plain-data view exports as {@code last_emulated_vtlb_live}/{@code last_emulated_vtlb_gfn} for the reference.
     */
    record FastVtlb(long frame, long gfn) {
        /** Taken from the shadow code's exported state, null when F1 would not translate through the vTLB. */
        static FastVtlb of(java.util.Map<String, Long> state) {
            if (state.getOrDefault("last_write_emul_ok", 0L) == 0
                    || state.getOrDefault("last_emulated_vtlb_live", 0L) == 0) {
                return null;
            }
            return new FastVtlb(state.get("last_emulated_frame"), state.get("last_emulated_vtlb_gfn"));
        }
    }

    /** A bare domain: its view, the vCPU, and the reference walk of the access (null when caches could answer). */
    record Bare(BareDomainView view, BareDomainView.Vcpu vcpu, Access access, WalkProbe.Probe probe)
            implements Snapshot {
        @Override
        public boolean alive() {
            return true;
        }

        @Override
        public DomainView domainView() {
            return view;
        }
    }

    /** Guest-physical word of an HVM domain: plain RAM through the p2m, 0 elsewhere (as Xen's walker reads it). */
    static long hvmWord(HvmDomain d, long gpa) {
        P2mEntry e = d.p2m().lookup(gpa >>> 12);
        if (!e.mfnValid() || !plainRam(e.type())) {
            return 0;
        }
        return d.machineMemory().readWord((e.mfn() << 12) | (gpa & 0xFF8L));
    }

    /** Whether a present PAE PDPTE has a bit of the §1.1b PDPTE mask (63:M, 8:5, 2:1). */
    static boolean reservedPdpte(long[] pdpte, CpuConfig cpu) {
        long mask = xpf.conformance.reference.XenGuestWalk.pdpteLoadReserved(cpu);
        for (long e : pdpte) {
            if ((e & 1) != 0 && (e & mask) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Types whose frames the guest walker reads like RAM (no paging or sharing side effects). */
    static boolean plainRam(P2mType t) {
        return t == P2mType.RAM_RW || t == P2mType.RAM_LOGDIRTY || t == P2mType.RAM_RO;
    }

    /** The access a step makes, as the reference walk takes it (32-bit modes see the low 32 address bits). */
    static Access accessOf(GuestAccess a, int cpl, PagingMode mode) {
        boolean wide = mode == PagingMode.LONG4 || mode == PagingMode.LONG5;
        return new Access(wide ? a.va() : a.va() & 0xFFFFFFFFL, a.kind(), a.cpl() != null ? a.cpl() : cpl,
                a.implicit(), a.stack());
    }

    static Snapshot take(GuestDomain g, int vcpuIndex, GuestAccess a, boolean wantDomainView) {
        return take(g, vcpuIndex, a, wantDomainView, null);
    }

    /**
     * @param current a view of {@code g} taken after the last change to it (the previous step's after-view, see
     *                {@link SuiteChecker}): an {@link HvmView} of an HVM domain or a PV {@code PvDomainView}, used
     *                instead of building the same immutable view again; null to build it here
     */
    static Snapshot take(GuestDomain g, int vcpuIndex, GuestAccess a, boolean wantDomainView, Object current) {
        if (g instanceof HvmDomain d) {
            HvmView view = current instanceof HvmView cv ? cv : d.view();
            HvmVcpu v = d.vcpu(vcpuIndex);
            HvmView.Vcpu vv = view.vcpus().get(vcpuIndex);
            PagingControls c = v.controls();
            PagingMode mode = v.guestMode();
            long[] pdpte = mode == PagingMode.PAE ? v.walkContext().pdpte().clone() : null;
            // AMD nested paging keeps no PDPTE registers for a PAE guest: the processor reads the PDPTEs from memory
            // with each walk (HvmHardware.translate, finding seed5-try67837), so the probe's "registers" are what
            // memory holds at the step's start.
            boolean nptPae = mode == PagingMode.PAE && d.hap() && v.arch().svm();
            if (nptPae) {
                long base = c.cr3() & 0xFFFFFFE0L;
                for (int i = 0; i < 4; i++) {
                    pdpte[i] = hvmWord(d, base + 8L * i);
                }
            }
            // The guest's walk: HAP has the CPU's MAXPHYADDR and 1 GiB pages; shadow paging has no 1 GiB pages and
            // (4.22, the XSA-173 fix) at most 44 physical-address bits.
            var ms = d.xen().machine().spec();
            boolean xen31 = d.xen().profile() == xpf.model.scenario.XenProfile.XEN_3_1;
            int maxPhy = d.hap() || xen31 ? ms.maxPhyAddr() : Math.min(ms.maxPhyAddr(), 44);
            CpuConfig guestCpu = new CpuConfig(ms.vendor(), maxPhy,
                    d.hap() && ms.has(xpf.model.scenario.CpuFeature.PAGE1GB));
            Access acc = a == null ? null : accessOf(a, vv.cpl(), mode);
            WalkProbe.Probe probe = null;
            if (acc != null && mode != null && view.alive()) {
                probe = WalkProbe.probe(guestCpu, c.withMode(mode), pdpte, gpa -> hvmWord(d, gpa), acc);
                for (var w : probe.words().entrySet()) {
                    long addr = w.getKey();
                    if (!plainRam(d.p2m().lookup(addr >>> 12).type())) {
                        probe = null;
                        break;
                    }
                    // Xen's shadow walker treats every PSE-36 bit of a 4 MiB PDE as reserved (hvm-path.md §5),
                    // where the architecture allows those below MAXPHYADDR: not the x86 reference's question.
                    if (!d.hap() && mode == PagingMode.LEGACY2 && c.cr4Pse() && (w.getValue() & 0x80) != 0
                            && (w.getValue() & 0x1FE000L) != 0) {
                        probe = null;
                        break;
                    }
                }
                if (probe != null && nptPae && (reservedPdpte(pdpte, guestCpu)
                        || !plainRam(d.p2m().lookup((c.cr3() & 0xFFFFFFE0L) >>> 12).type()))) {
                    // a present PDPTE with a reserved bit is a #PF(P|RSVD) of the NPT walk, but the x86 reference
                    // (ReferenceWalk) answers register semantics, the load's #GP(0): not its question; nor is a PDPT
                    // frame that is not plain RAM (the NPT read of the PDPTE would exit)
                    probe = null;
                }
            }
            // An event still pending injection (an earlier step's delivery that faulted) is delivered before the
            // step's instruction runs: the step then continues that delivery first.
            boolean pending = v.eventPending();
            FastVtlb fastVtlb = d.shadow() == null ? null : FastVtlb.of(d.shadow().fastEmulationState(vcpuIndex));
            return new Hvm(view, vv, c, mode, pdpte, guestCpu, acc, pending ? null : probe,
                    wantDomainView ? hvmDomainView(d, view) : null, pending, fastVtlb);
        }
        if (g instanceof BareDomain b) {
            BareDomainView view = b.view();
            BareDomainView.Vcpu vv = view.vcpus().get(vcpuIndex);
            Access acc = a == null ? null : accessOf(a, vv.cpl(), vv.controls().mode());
            WalkProbe.Probe probe = null;
            if (acc != null && vv.tlb().isEmpty() && vv.psc().isEmpty()) {
                long[] pdpte = null;
                if (vv.controls().mode() == PagingMode.PAE) {
                    pdpte = vv.pdpte().stream().mapToLong(Long::longValue).toArray();
                }
                var mem = b.mmu(vcpuIndex).memory();
                probe = WalkProbe.probe(b.mmu(vcpuIndex).cpu(), vv.controls(), pdpte, mem::readWord, acc);
            }
            return new Bare(view, vv, acc, probe);
        }
        if (g.kind().pv()) {
            if (current instanceof xpf.model.xen.PvDomainView pv) {
                return new Pv(pv);
            }
            if (views(g) instanceof xpf.model.xen.PvDomainView pv) {
                return new Pv(pv);
            }
        }
        return new Plain(g.alive(), wantDomainView ? views(g) : null);
    }

    /** {@link #views} of an HVM domain, from its {@link HvmView} taken now. */
    private static DomainView hvmDomainView(HvmDomain d, HvmView view) {
        try {
            return xpf.sim.xen.hvm.HvmDomainViews.of(d, view);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The domain's plain-data view, or null while its kind has no adapter in {@code DomainViews}. */
    static DomainView views(GuestDomain g) {
        try {
            return xpf.sim.scenario.DomainViews.of(g);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
