package xpf.conformance.reference.xen;

import java.util.ArrayList;
import java.util.List;

import xpf.conformance.reference.XenGuestWalk;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.model.xen.HvmDomainView;

/**
 * {@code sh_page_fault} of current Xen (xen-hvm-fault-path.md §3, the F and E tables) as an ordered decision table:
 * {@link Row} lists the rows in Xen's order; each row's condition reads the facts gathered so far, and the first row
 * that decides ends the handler (returns 1 = fixed/emulated, or 0 = the caller injects #PF). Rows tagged "action"
 * (the walk, the shadow build) never decide, they gather facts. {@link Emulate} is the emulate sub-procedure.
 * Not modelled: F1 (fast emulation of a repeated PT write: it only shortcuts to the same emulation), F2a/F15 and
 * every other out-of-sync path, F3, F8, F13, E3, E10, E11.
 */
final class ShadowFault {

    final HvmRun r;
    final ShadowOps ops;
    final long va;
    /** {@code regs->error_code}: the hardware error code, then what the rows make of it. */
    int ec;
    final int hwEc;
    final HvmEvent interrupted;
    // facts
    Long sl1e;
    XenGuestWalk.Result walk;
    long gfn;
    HvmDomainView.P2m entry;
    List<Long> tables = List.of();
    final List<String> notes = new ArrayList<>();

    ShadowFault(HvmRun r, long va, int hwEc, HvmEvent interrupted) {
        this.r = r;
        this.ops = new ShadowOps(r);
        this.va = va;
        this.ec = hwEc;
        this.hwEc = hwEc;
        this.interrupted = interrupted;
        this.sl1e = r.shadowEntry(va >>> 12);
    }

    boolean write() {
        return (hwEc & HvmRun.W) != 0;
    }

    /** The rows of §3, in order. */
    enum Row {
        /**
         * F1: SHOPT_FAST_EMULATION: a fault on the frame whose write was just emulated, with ec exactly W|P, goes
         * straight to the emulator (no walk, no user check); any other fault there forgets the frame.
         */
        F1_FAST_EMULATION("hvm.3.F1") {
            boolean decide(ShadowFault f) {
                if (!f.r.fastEmulOk || (f.va >>> 12) != f.r.fastFrame) {
                    return false;
                }
                if (f.hwEc == (HvmRun.W | HvmRun.P)) {
                    f.notes.add("fast emulation of frame 0x" + Long.toHexString(f.r.fastFrame));
                    Emulate.early(f, f.r.fastMfn, "pt_write", tag, true);
                    return true;
                }
                f.r.fastEmulOk = false;
                return false;
            }
        },
        /** F2b: RSVD on the "guest not present" magic: flip RSVD|P off and propagate. */
        F2B_GNP("hvm.3.F2b") {
            boolean decide(ShadowFault f) {
                if ((f.ec & HvmRun.RSVD) == 0 || f.sl1e == null || !ShadowOps.isGnp(f.sl1e)) {
                    return false;
                }
                f.r.inject(14, f.ec ^ (HvmRun.RSVD | HvmRun.P), f.va, tag);
                return true;
            }
        },
        /** F2b': RSVD on an MMIO magic entry: emulate at the gfn it encodes; failure propagates (ec keeps RSVD|P). */
        F2B_MMIO("hvm.3.F2b'") {
            boolean decide(ShadowFault f) {
                if ((f.ec & HvmRun.RSVD) == 0 || f.sl1e == null || !ShadowOps.isMagic(f.sl1e)) {
                    return false;
                }
                long gpa = (ShadowOps.magicGfn(f.sl1e) << 12) | (f.va & 0xFFF);
                if (!f.r.handleMmio(gpa, tag)) {
                    f.r.inject(14, f.ec, f.va, tag);
                }
                return true;
            }
        },
        /** F2c: RSVD but no magic entry (another vCPU fixed it): spurious. */
        F2C("hvm.3.F2c") {
            boolean decide(ShadowFault f) {
                if ((f.ec & HvmRun.RSVD) == 0) {
                    return false;
                }
                f.r.fixed("shadow_fast_false", tag);
                return true;
            }
        },
        /** F4-F6 (action): the guest walk, with PFEC_implicit for a CPL3 access that has neither U nor I. */
        F5_WALK("hvm.3.F5") {
            boolean decide(ShadowFault f) {
                if (!f.r.pagingOn) {
                    f.walk = ShadowOps.identity(f.va);
                } else {
                    boolean user = (f.hwEc & HvmRun.U) != 0;
                    boolean implicit = !user && (f.hwEc & HvmRun.I) == 0 && f.r.cpl == 3;
                    AccessKind k = (f.hwEc & HvmRun.W) != 0 ? AccessKind.WRITE
                            : (f.hwEc & HvmRun.I) != 0 ? AccessKind.FETCH : AccessKind.READ;
                    f.walk = XenGuestWalk.walk(f.r.xenWalk, f.r.c, f.r.xenMemory,
                            new Access(f.va, k, user || implicit ? 3 : 0, implicit, false));
                }
                // F6 (OOS builds): regs ec.P := the walk's P
                f.ec = (f.ec & ~HvmRun.P) | (f.walk.pfec() & HvmRun.P);
                return false;
            }
        },
        /** F7: the walk failed: inject the walk's error code, masked to 16 bits. */
        F7("hvm.3.F7") {
            boolean decide(ShadowFault f) {
                if (f.walk.ok()) {
                    return false;
                }
                f.notes.add("guest walk fails: " + PfErrorCode.symbolic(f.walk.pfec() & 0xFFFF));
                f.r.inject(14, f.walk.pfec() & PfErrorCode.ARCH_MASK, f.va, tag);
                return true;
            }
        },
        /** §3.2 (action): A/D only after a successful walk. Then the gfn and its p2m entry. */
        WALK_AD("hvm.3.2") {
            boolean decide(ShadowFault f) {
                f.ops.applyAd(f.walk);
                f.gfn = f.walk.gfn();
                f.entry = f.r.p2m(f.gfn);
                String t = f.entry.type();
                if (t.equals("populate_on_demand") || t.startsWith("ram_pag") || t.equals("ram_shared")
                        || t.startsWith("grant") || t.equals("map_foreign") || t.equals("ioreq_server")
                        || t.equals("ram_broken")) {
                    throw new NotModelled("shadow paging over a " + t + " frame");
                }
                return false;
            }
        },
        /** F9: not MMIO and (not RAM or no mfn): propagate on purpose (non-architectural, avoids a livelock). */
        F9("hvm.3.F9") {
            boolean decide(ShadowFault f) {
                String t = f.entry.type();
                if (HvmRun.isMmio(t) || (HvmRun.isRam(t) && f.entry.mfn() >= 0)) {
                    return false;
                }
                f.r.inject(14, f.ec, f.va, tag);
                return true;
            }
        },
        /** F11: shadow_prealloc fails (the shadow_oom knob): the domain is crashed. */
        F11("hvm.3.F11") {
            boolean decide(ShadowFault f) {
                if (!f.r.step.knobs().shadowOom()) {
                    return false;
                }
                f.r.crash("shadow_prealloc", tag);
                return true;
            }
        },
        /** F12/F14/F16 (action): write-protect the walk's tables, build the shadow l1e, prefetch neighbours. */
        F16_PROPAGATE("hvm.3.F16") {
            boolean decide(ShadowFault f) {
                f.tables = f.r.pagingOn ? f.ops.tableMfns(f.walk) : List.of();
                f.ops.writeProtect(f.tables);
                ShadowOps.Upper up = f.r.pagingOn ? f.ops.upper(f.walk) : ShadowOps.Upper.ALL;
                long leaf = f.r.pagingOn ? f.r.xenMemory.readEntry(f.walk.last().gpa(), f.r.entryBytes())
                        : f.walk.leafEntry();
                if (f.walk.pageSize() > 4096) {
                    leaf = leaf & ~ShadowOps.PS & ~0x1000L;   // the fabricated l1e of a superpage
                }
                long s = f.ops.propagate(leaf, f.gfn, up, f.write());
                f.ops.setShadow(f.va >>> 12, s, f.tables);
                f.ops.prefetch(f.va, f.walk, up, f.tables);
                return false;
            }
        },
        /** F17: a write to a shadowed page table: emulate. */
        F17("hvm.3.F17") {
            boolean decide(ShadowFault f) {
                if (!f.write() || f.entry.mfn() < 0 || !f.r.pageTables.contains(f.entry.mfn())) {
                    return false;
                }
                Emulate.run(f, "pt_write", tag, true);
                return true;
            }
        },
        /** F18: p2m_mmio_dm: MMIO emulation; failure propagates. */
        F18("hvm.3.F18") {
            boolean decide(ShadowFault f) {
                if (!f.entry.type().equals("mmio_dm")) {
                    return false;
                }
                if (!f.r.handleMmio((f.gfn << 12) | (f.va & 0xFFF), tag)) {
                    f.r.inject(14, f.ec, f.va, tag);
                }
                return true;
            }
        },
        /** F19: a write to a read-only p2m type: emulate from E3 (no user-mode check); the write is dropped. */
        F19("hvm.3.F19") {
            boolean decide(ShadowFault f) {
                String t = f.entry.type();
                if (!f.write() || !(t.equals("ram_ro") || t.equals("grant_map_ro"))) {
                    return false;
                }
                Emulate.run(f, "ro_discard", tag, false);
                return true;
            }
        },
        /** F20: guest CR0.WP=0, ec exactly W|P, mfn valid: emulate the supervisor write through a read-only PTE. */
        F20("hvm.3.F20") {
            boolean decide(ShadowFault f) {
                if (f.r.c.cr0Wp() || f.ec != (HvmRun.W | HvmRun.P) || f.entry.mfn() < 0) {
                    return false;
                }
                Emulate.run(f, "wp0_write", tag, true);
                return true;
            }
        },
        /** F21: otherwise the fault is fixed silently. */
        F21("hvm.3.F21") {
            boolean decide(ShadowFault f) {
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

        abstract boolean decide(ShadowFault f);
    }

    void run() {
        for (Row row : Row.IN_ORDER) {
            if (row.decide(this)) {
                break;
            }
        }
        r.trail.addAll(notes);
    }

    /** The emulate sub-procedure (§3 "Emulate"). */
    static final class Emulate {
        private Emulate() {
        }

        static void run(ShadowFault f, String fixup, String entryTag, boolean userCheck) {
            HvmRun r = f.r;
            long gmfn = f.entry.mfn();
            // E2: a user-mode write to a guest page table: unshadow (the page is no longer treated as a PT)
            if (userCheck && (f.hwEc & HvmRun.U) != 0) {
                if (!f.ops.unshadowMustSucceed(gmfn, "hvm.3.E2")) {
                    r.fixed("unshadow_user", "hvm.3.E2");
                }
                return;
            }
            early(f, gmfn, fixup, entryTag, false);
        }

        /**
         * From E5 on ({@code early_emulation}, where F1 enters with {@code fast}): a pending event unshadows;
         * x86_emulate; UNHANDLEABLE unshadows; OKAY on a page that is still a page table is remembered for F1
         * (a failed fast emulation forgets it).
         */
        static void early(ShadowFault f, long gmfn, String fixup, String entryTag, boolean fast) {
            HvmRun r = f.r;
            // E5: an event is pending injection: the fault happened during delivery: unshadow, redeliver
            if (r.pending != null) {
                if (fast) {
                    r.fastEmulOk = false;
                }
                if (!f.ops.unshadowMustSucceed(gmfn, "hvm.3.E5")) {
                    r.fixed("unshadow_evtinj", "hvm.3.E5");
                }
                return;
            }
            // E6-E8: x86_emulate; UNHANDLEABLE unshadows
            ShadowOps.Emul res;
            if (r.step.knobs().emulatorFails()) {
                f.notes.add("x86_emulate: UNHANDLEABLE (emulator_fails)");
                res = ShadowOps.Emul.UNHANDLEABLE;
            } else {
                // F1 skipped F10: the emulator's translation of the faulting page hits the vTLB entry the earlier
                // fault of this frame inserted, if it is still there (fast-emulation-through-stale-vtlb.yaml)
                res = f.ops.emulateWrite(f.notes, f.va, fast ? r.fastVtlbGfn : -1);
            }
            switch (res) {
                case EXCEPTION -> {
                    // E7: the emulator's #PF was injected (by emulateWrite)
                    if (fast) {
                        r.fastEmulOk = false;
                    }
                }
                case UNHANDLEABLE -> {
                    if (fast) {
                        r.fastEmulOk = false;
                    }
                    if (!f.ops.unshadowMustSucceed(gmfn, "hvm.3.E8")) {
                        r.fixed("unshadow_unhandled", "hvm.3.E8");
                    }
                }
                case OKAY -> {
                    // E9: remember the frame for F1 (SHOPT_FAST_EMULATION)
                    if (r.pageTables.contains(gmfn)) {
                        if (!fast) {
                            r.fastEmulOk = true;
                            r.fastFrame = f.va >>> 12;
                            r.fastMfn = gmfn;
                        }
                    } else if (fast) {
                        r.fastEmulOk = false;
                    }
                    r.emulated(fixup, null, true, entryTag + "+hvm.3.E12");
                }
            }
        }
    }
}
