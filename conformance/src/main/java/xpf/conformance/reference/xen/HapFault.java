package xpf.conformance.reference.xen;

import xpf.model.x86.AccessKind;
import xpf.model.xen.HvmDomainView;

/**
 * {@code hvm_hap_nested_page_fault(gpa, gla, npfec)} (xen-hvm-fault-path.md §5.2) as an ordered table of its outcome
 * classes: 1 = handled/retry (fixed or emulated), 0 = the caller crashes the domain. Classes 1 (nested HVM), 4
 * (altp2m) and 5 (mem_access) need state the scenarios do not have; they never apply.
 */
final class HapFault {

    final HvmRun r;
    final long gpa;
    final long gla;
    final AccessKind kind;
    final boolean inGpt;
    /** The exit interrupted an event's delivery: the faulting access is the processor's, not the instruction's. */
    final boolean duringDelivery;
    final long gfn;
    HvmDomainView.P2m entry;
    /** The type before the class-3 lookup (populate-on-demand and unsharing change it). */
    String typeBefore;
    boolean sharingEnomem;

    HapFault(HvmRun r, long gpa, long gla, AccessKind kind, boolean inGpt, boolean duringDelivery) {
        this.r = r;
        this.duringDelivery = duringDelivery;
        this.gpa = gpa;
        this.gla = gla;
        this.kind = kind;
        this.inGpt = inGpt;
        this.gfn = gpa >>> 12;
    }

    boolean write() {
        return kind == AccessKind.WRITE;
    }

    enum Cls {
        /** Class 2: internal MMIO (LAPIC, HPET): emulated without a p2m lookup; failure injects #GP(0). */
        INTERNAL_MMIO("hvm.5.2.2") {
            boolean decide(HapFault f) {
                HvmDomainView.Device dev = f.r.deviceAt(f.gfn);
                if (dev == null || !DeviceModels.internal(dev.model())) {
                    return false;
                }
                f.mmio(tag);
                return true;
            }
        },
        /** Class 3 (action): the lookup with P2M_ALLOC (PoD populated) and, on writes, P2M_UNSHARE. */
        LOOKUP("hvm.5.2.3") {
            boolean decide(HapFault f) {
                f.entry = f.r.p2m(f.gfn);
                f.typeBefore = f.entry.type();
                if (f.typeBefore.equals("populate_on_demand")) {
                    // populated with a fresh zeroed frame (no frame of the view: reads as zeros)
                    f.entry = new HvmDomainView.P2m(f.gfn, (1L << 40) + f.gfn, "ram_rw", null);
                    f.r.p2m.put(f.gfn, f.entry);
                } else if (f.write() && f.typeBefore.equals("ram_shared")) {
                    Long fails = f.r.d.host().get("unshare_fails");
                    if (fails != null && fails != 0 && !f.r.sharingHelperServed) {
                        f.sharingEnomem = true;
                    } else {
                        f.entry = new HvmDomainView.P2m(f.gfn, f.entry.mfn(), "ram_rw", f.entry.device());
                        f.r.p2m.put(f.gfn, f.entry);
                    }
                }
                return false;
            }
        },
        /** Class 6: emulated MMIO: mmio_dm, or a write to a discard-write type / ioreq server / r/o direct MMIO. */
        EMULATED_MMIO("hvm.5.2.6") {
            boolean decide(HapFault f) {
                String t = f.entry.type();
                if (t.equals("mmio_dm")) {
                    if (f.inGpt) {
                        throw new NotModelled("a guest page table in an mmio_dm frame under HAP");
                    }
                    f.mmio(tag);
                    return true;
                }
                if (f.write() && HvmRun.isDiscardWrite(t)) {
                    if (f.inGpt) {
                        throw new NotModelled("a guest page-table A/D write to a discard-write frame under HAP");
                    }
                    if (f.r.step.knobs().emulatorFails()) {
                        f.r.inject(13, 0, null, tag);
                    } else if (f.duringDelivery) {
                        f.stepInstructionAfterDeliveryExit(tag);
                    } else {
                        // hvmemul_map_linear_addr stops at the first discard-write frame with X86EMUL_OKAY: the
                        // whole write is dropped, a second page is never translated (a plain write, and OR / XCHG
                        // through hvmemul_rmw); only CMPXCHG reads its destination first
                        f.r.requireExplicit();
                        if (!f.r.cmpxchgReadFault(tag)) {
                            f.r.emulated("hap_discard_write", null, true, tag);
                        }
                    }
                    return true;
                }
                if (f.write() && (t.equals("ioreq_server") || t.equals("mmio_direct"))) {
                    throw new NotModelled("a write to " + t + " under HAP");
                }
                return false;
            }
        },
        /** Class 7: paged out: p2m_mem_paging_populate on exit; the pager brings the frame back; retry. */
        PAGING("hvm.5.2.7") {
            boolean decide(HapFault f) {
                String t = f.entry.type();
                if (!t.equals("ram_paged") && !t.equals("ram_paging_out")) {
                    return false;
                }
                if (f.entry.mfn() < 0) {
                    throw new NotModelled("a paged-out frame without its backing frame in the view");
                }
                f.r.p2m.put(f.gfn, new HvmDomainView.P2m(f.gfn, f.entry.mfn(), "ram_rw", f.entry.device()));
                f.r.fixed("hap_paging", tag);
                return true;
            }
        },
        /** Class 8: a write to a page still shared (unsharing found no memory): ring → wait (1), else crash (0). */
        SHARING_ENOMEM("hvm.5.2.8") {
            boolean decide(HapFault f) {
                if (!f.sharingEnomem) {
                    return false;
                }
                Long ring = f.r.d.params().get("mem_sharing_ring");
                if (ring != null && ring != 0) {
                    // the vCPU waits for the helper (notified through the ring), which makes memory available:
                    // the retry unshares
                    f.r.fixed("hap_sharing_enomem", tag);
                    f.r.sharingHelperServed = true;
                } else {
                    f.r.crash("hap_sharing_enomem", tag);
                }
                return true;
            }
        },
        /** Class 9: RAM types: spurious, or a write that logs the gfn dirty (ram_logdirty → ram_rw). */
        RAM("hvm.5.2.9") {
            boolean decide(HapFault f) {
                String t = f.entry.type();
                if (!HvmRun.isRam(t) || t.equals("ram_broken")) {
                    return false;
                }
                String fix;
                if (f.typeBefore.equals("populate_on_demand")) {
                    fix = "hap_pod";
                } else if (f.typeBefore.equals("ram_shared") && f.write()) {
                    fix = "hap_unshare";
                } else if (f.write() && t.equals("ram_logdirty")) {
                    f.r.p2m.put(f.gfn, new HvmDomainView.P2m(f.gfn, f.entry.mfn(), "ram_rw", f.entry.device()));
                    fix = "hap_logdirty";
                } else {
                    fix = "hap_spurious";
                }
                f.r.fixed(fix, tag);
                return true;
            }
        },
        /** Class 10: anything else: rc = fall_through (0): domain_crash. */
        UNHANDLED("hvm.5.2.10") {
            boolean decide(HapFault f) {
                f.r.crash("npf_unhandled", tag);
                return true;
            }
        };

        final String tag;

        /** The rows in order, shared (an enum's {@code values()} copies its array on every call). */
        static final Cls[] IN_ORDER = values();

        Cls(String tag) {
            this.tag = tag;
        }

        abstract boolean decide(HapFault f);
    }

    void mmio(String tag) {
        if (!r.handleMmio(gpa, tag)) {
            r.inject(13, 0, null, tag);   // emulation failure ⇒ #GP(0)
        }
    }

    /**
     * A delivery's own write (the frame push, say) to a discard-write frame. {@code hvm_hap_nested_page_fault} has no
     * event check before {@code handle_mmio_with_translation} → {@code handle_mmio} → {@code hvm_emulate_one}
     * (hvm.c, hvm/io.c, xen-project/xen master c447b73), so Xen emulates the instruction at RIP, the step's (it has
     * not retired), not the push, while the interrupted event is already re-queued ({@code vmx_idtv_reinject} /
     * EVENTINJ := EXITINTINFO). The emulator walks the step's access with its rights first
     * ({@code hvmemul_read}/{@code hvmemul_write} → {@code linear_read} / {@code hvmemul_map_linear_addr}); when
     * that walk fails (the step's own #PF being delivered, typically) Xen injects the emulator's #PF, which
     * {@code hvm_combine_hw_exceptions} combines with the re-queued event (#PF on #PF ⇒ #DF; anything on #DF ⇒
     * {@code hvm_triple_fault}). An instruction the emulator would perform is not modelled here: it would retire by
     * emulation with the event still queued, and the next delivery's exit would emulate whatever follows it.
     */
    void stepInstructionAfterDeliveryExit(String tag) {
        r.trail.add("the delivery's write exited; hvm_emulate_one decodes the instruction at RIP, the step's");
        if (!r.emulatorCrossingFault(tag)) {
            throw new NotModelled("Xen's emulator performing the step's instruction after a delivery's write to a "
                    + "discard-write frame exited");
        }
    }

    void run() {
        for (Cls c : Cls.IN_ORDER) {
            if (c.decide(this)) {
                return;
            }
        }
    }
}
