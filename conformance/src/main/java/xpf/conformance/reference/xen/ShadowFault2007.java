package xpf.conformance.reference.xen;

import java.util.ArrayList;
import java.util.List;

import xpf.conformance.reference.XenGuestWalk;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.xen.HvmDomainView;

/**
 * {@code sh_page_fault} of Xen 3.1 (xen-hvm-fault-path.md §3.4, "the 2007 model"; cross-checked with tag
 * 3.1.0-branched), as an ordered decision table. The 2007 walker computes no error code and checks no reserved bits;
 * every bail injects the <em>unmodified hardware</em> error code; there is no CR0.WP=0 emulation (F20), no
 * read-only-type emulation (F19), no combination. OOS is compiled out, so prefetch writes the "guest not present"
 * magic and the fast path (F2b) propagates it.
 */
final class ShadowFault2007 {

    final HvmRun r;
    final ShadowOps ops;
    final long va;
    final int hwEc;
    final HvmEvent interrupted;
    final Long sl1e;
    XenGuestWalk.Result walk;
    long gfn;
    HvmDomainView.P2m entry;
    final List<String> notes = new ArrayList<>();

    ShadowFault2007(HvmRun r, long va, int hwEc, HvmEvent interrupted) {
        this.r = r;
        this.ops = new ShadowOps(r);
        this.va = va;
        this.hwEc = hwEc;
        this.interrupted = interrupted;
        this.sl1e = r.shadowEntry(va >>> 12);
    }

    boolean write() {
        return (hwEc & HvmRun.W) != 0;
    }

    enum Row {
        /** Fast path, gnp: flip RSVD|P and propagate (guest paging on); with paging off it means MMIO at va. */
        FAST_GNP("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                if ((f.hwEc & HvmRun.RSVD) == 0 || f.sl1e == null || !ShadowOps.isGnp(f.sl1e)) {
                    return false;
                }
                if (f.r.pagingOn) {
                    f.r.inject(14, f.hwEc ^ (HvmRun.RSVD | HvmRun.P), f.va, tag);
                } else {
                    mmio(f, f.va & 0xFFFF_FFFFL, tag);
                }
                return true;
            }
        },
        /** Fast path, MMIO magic: handle_mmio(gpa), fixed. */
        FAST_MMIO("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                if ((f.hwEc & HvmRun.RSVD) == 0 || f.sl1e == null || !ShadowOps.isMagic(f.sl1e)) {
                    return false;
                }
                mmio(f, (ShadowOps.magicGfn(f.sl1e) << 12) | (f.va & 0xFFF), tag);
                return true;
            }
        },
        /** Fast path false alarm. */
        FAST_FALSE("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                if ((f.hwEc & HvmRun.RSVD) == 0) {
                    return false;
                }
                f.r.fixed("shadow_fast_false", tag);
                return true;
            }
        },
        /** (action) the 2007 walk: present entries to the leaf, no error code, no reserved bits. */
        WALK("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                if (!f.r.pagingOn) {
                    f.walk = ShadowOps.identity(f.va);
                } else {
                    AccessKind k = (f.hwEc & HvmRun.W) != 0 ? AccessKind.WRITE
                            : (f.hwEc & HvmRun.I) != 0 ? AccessKind.FETCH : AccessKind.READ;
                    f.walk = XenGuestWalk.walk(f.r.xenWalk, f.r.c, f.r.xenMemory,
                            new Access(f.va, k, (f.hwEc & HvmRun.U) != 0 ? 3 : 0, false, false));
                }
                return false;
            }
        },
        /**
         * Guest paging off: 3.1 walks the p2m itself (sh_update_paging_modes, common.c of 3.1.0-branched: guest_table
         * := the p2m's first L3, shadowed as a PAE guest), which has no entry for an MMIO gfn: the effective l1e is
         * not present and sh_page_fault goes to MMIO at gpa = va ("Not present in p2m map, means this is mmio")
         * before any shadow entry is built or prefetched (finding seed10-try5356).
         */
        UNPAGED_MMIO("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                if (f.r.pagingOn || !f.r.p2m(f.walk.gfn()).type().equals("mmio_dm")) {
                    return false;
                }
                mmio(f, f.va & 0xFFFF_FFFFL, tag);
                return true;
            }
        },
        /** eff l1e not present → not a shadow fault: inject the hardware error code. */
        NOT_PRESENT("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                if (f.walk.ok()) {
                    return false;
                }
                f.r.inject(14, f.hwEc, f.va, tag);
                return true;
            }
        },
        /** U access to a supervisor page → bail (hardware ec). */
        USER_TO_SUPERVISOR("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                if ((f.hwEc & HvmRun.U) == 0 || f.walk.user()) {
                    return false;
                }
                f.r.inject(14, f.hwEc, f.va, tag);
                return true;
            }
        },
        /** Write to a non-RW mapping → bail, whatever CR0.WP says. */
        WRITE_TO_READ_ONLY("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                if (!f.write() || f.walk.writable()) {
                    return false;
                }
                f.r.inject(14, f.hwEc, f.va, tag);
                return true;
            }
        },
        /** Fetch from NX → bail. */
        FETCH_FROM_NX("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                if ((f.hwEc & HvmRun.I) == 0 || !f.walk.executeDisable()) {
                    return false;
                }
                f.r.inject(14, f.hwEc, f.va, tag);
                return true;
            }
        },
        /** The target gfn: 3.1's "mmio_space" is any gfn without a valid mfn. */
        GFN("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                f.gfn = f.walk.gfn();
                f.entry = f.r.p2m(f.gfn);
                String t = f.entry.type();
                if (!t.equals("mmio_dm") && !t.equals("ram_rw") && !t.equals("ram_logdirty")
                        && !t.equals("ram_ro")) {
                    throw new NotModelled("xen-3.1 over a " + t + " frame (3.1 sends every gfn without a valid mfn "
                            + "to the device model as MMIO)");
                }
                if (f.r.step.knobs().shadowOom()) {
                    throw new NotModelled("shadow_oom in xen-3.1 (shadow_prealloc unhooks shadows, else BUG())");
                }
                return false;
            }
        },
        /** (action) get/create the l1 shadow, propagate (A/D set by guest_set_ad_bits), prefetch. */
        PROPAGATE("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                List<Long> tables = List.of();
                ShadowOps.Upper up = ShadowOps.Upper.ALL;
                long leaf = f.walk.leafEntry();
                if (f.r.pagingOn) {
                    for (long[] u : XenGuestWalk.adUpdatesFor(f.walk, f.write(), f.r.v.mode())) {
                        long ma = f.r.machineOf(u[0]);
                        if (ma >= 0) {
                            f.r.writeBytes(ma, f.r.entryBytes(), u[1]);
                        }
                    }
                    tables = f.ops.tableMfns(f.walk);
                    f.ops.writeProtect(tables);
                    up = f.ops.upper(f.walk);
                    leaf = f.r.xenMemory.readEntry(f.walk.last().gpa(), f.r.entryBytes());
                }
                if (f.walk.pageSize() > 4096) {
                    leaf = leaf & ~ShadowOps.PS & ~0x1000L;
                }
                long s = f.ops.propagate(leaf, f.gfn, up, f.write());
                f.ops.setShadow(f.va >>> 12, s, tables);
                f.ops.prefetch(f.va, f.walk, up, tables);
                return false;
            }
        },
        /** A write to a page table → emulate. */
        PT_WRITE("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                if (!f.write() || f.entry.mfn() < 0 || !f.r.pageTables.contains(f.entry.mfn())) {
                    return false;
                }
                emulate(f);
                return true;
            }
        },
        /** MMIO → handle_mmio, fixed. */
        MMIO("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                if (!f.entry.type().equals("mmio_dm")) {
                    return false;
                }
                mmio(f, (f.gfn << 12) | (f.va & 0xFFF), tag);
                return true;
            }
        },
        FIXED("hvm.3.4") {
            boolean decide(ShadowFault2007 f) {
                f.r.fixed("shadow_fixup", tag);
                return true;
            }
        };

        final String tag;

        /** The rows in order, shared (an enum's {@code values()} copies its array on every call). */
        static final Row[] IN_ORDER = values();

        Row(String tag) {
            this.tag = tag;
        }

        abstract boolean decide(ShadowFault2007 f);
    }

    /** 3.1 handle_mmio has no failure return: the device model always answers. */
    static void mmio(ShadowFault2007 f, long gpa, String tag) {
        if (f.r.step.knobs().emulatorFails()) {
            throw new NotModelled("emulator_fails on xen-3.1 MMIO (handle_mmio cannot fail there)");
        }
        if (f.r.acc.kind() == xpf.model.x86.AccessKind.FETCH) {
            throw new NotModelled("an instruction fetch from MMIO in xen-3.1 (3.1's own MMIO decoder)");
        }
        if (!f.r.handleMmio(gpa, tag)) {
            throw new NotModelled("xen-3.1 MMIO emulation that fails");
        }
    }

    /**
     * 3.1 emulate: an exit that interrupted an event delivery unshadows (hvm_event_injection_faulted); a user-mode
     * write is UNHANDLEABLE (unshadow); otherwise x86_emulate.
     */
    static void emulate(ShadowFault2007 f) {
        long gmfn = f.entry.mfn();
        if (f.interrupted != null) {
            if (!f.ops.unshadowMustSucceed(gmfn, "hvm.3.4")) {
                f.r.fixed("unshadow_evtinj", "hvm.3.4");
            }
            return;
        }
        if ((f.hwEc & HvmRun.U) != 0) {
            if (!f.ops.unshadowMustSucceed(gmfn, "hvm.3.4")) {
                f.r.fixed("unshadow_user", "hvm.3.4");
            }
            return;
        }
        if (f.r.step.knobs().emulatorFails()) {
            if (!f.ops.unshadowMustSucceed(gmfn, "hvm.3.4")) {
                f.r.fixed("unshadow_unhandled", "hvm.3.4");
            }
            return;
        }
        if (f.r.acc.size() > 8) {
            // §7 item 17 describes today's emulator; what 3.1's x86_emulate did with an SSE store is not described
            throw new NotModelled("xen-3.1 emulating a 16-byte (SSE) store");
        }
        switch (f.ops.emulateWrite(f.notes, f.va)) {
            case EXCEPTION -> {
            }
            case UNHANDLEABLE -> {
                if (!f.ops.unshadowMustSucceed(gmfn, "hvm.3.4")) {
                    f.r.fixed("unshadow_unhandled", "hvm.3.4");
                }
            }
            case OKAY -> f.r.emulated("pt_write", null, true, "hvm.3.4");
        }
    }

    void run() {
        for (Row row : Row.IN_ORDER) {
            if (row.decide(this)) {
                break;
            }
        }
        r.trail.addAll(notes);
    }
}
