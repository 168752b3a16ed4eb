package xpf.sim.xen.pv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import xpf.sim.xen.mm.FrameTable;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageType;

/**
 * The isolation invariant and reference balance of a PV domain (xen-pv-fault-path.md §4.2 "Invariant set"), checked
 * from plain data: the domain's frames, its page tables in memory, its base pointers, pins and LDT shadows.
 *
 * <ol>
 *   <li>every present entry of a validated table maps a frame of the domain (or I/O memory it may map);</li>
 *   <li>no present L1 entry maps a page-table or descriptor frame writable;</li>
 *   <li>upper entries point at tables of the level below, or read-only at a validated table of the same level;</li>
 *   <li>general and type counts equal the references the tables, base pointers, pins and LDT shadows hold.</li>
 * </ol>
 */
final class PvInvariants {

    private PvInvariants() {
    }

    static List<String> check(PvDomain d) {
        List<String> bad = new ArrayList<>();
        PvDomainView v = d.view();
        Map<Long, PageInfo.Snapshot> frames = new TreeMap<>();
        for (PageInfo.Snapshot s : v.frames()) {
            frames.put(s.mfn(), s);
        }
        Map<Long, Long> count = new HashMap<>();
        Map<Long, Long> typeCount = new HashMap<>();
        for (PageInfo.Snapshot s : v.frames()) {
            if (s.type().pageTable() && s.typeCount() > 0 && !s.validated()) {
                bad.add(hex(s.mfn()) + ": " + s.type() + " in use but not validated");
            }
            if (s.pinned()) {
                inc(count, s.mfn());
                inc(typeCount, s.mfn());
            }
            if (!s.type().pageTable() || !s.validated()) {
                continue;
            }
            int level = s.type().level();
            for (int i = 0; i < slots(d, level); i++) {
                if (!guestSlot(d, level, i, s)) {
                    continue;
                }
                long e = d.mm().readEntry(s.mfn(), i);
                if (!Pte.present(e)) {
                    continue;
                }
                long t = Pte.mfn(e);
                String where = "L" + level + " " + hex(s.mfn()) + "[" + i + "] = " + hex(e);
                PageInfo target = d.frameTable().get(t);
                if (level == 1) {
                    if (target == null || target.owner() == FrameTable.DOMID_IO || !d.mm().mfnValid(t)) {
                        if (!d.iomemAccessPermitted(t)) {
                            bad.add(where + ": maps frame " + hex(t) + " that is neither the domain's nor its I/O");
                        }
                        continue;
                    }
                    if (target.owner() != d.domid()) {
                        bad.add(where + ": maps frame " + hex(t) + " of " + target.owner());
                        continue;
                    }
                    inc(count, t);
                    if ((e & Pte.RW) != 0) {
                        inc(typeCount, t);
                        if (target.type() != PageType.WRITABLE) {
                            bad.add(where + ": writable mapping of a frame typed " + target.type());
                        }
                    }
                    continue;
                }
                if (t == s.mfn()) {
                    if ((e & Pte.RW) != 0) {
                        bad.add(where + ": writable self-reference (the guest could write its own table)");
                    }
                    continue; // self-reference: no reference held
                }
                if (target == null || target.owner() != d.domid()) {
                    bad.add(where + ": points at a frame that is not the domain's");
                    continue;
                }
                if ((e & Pte.PSE) != 0) {
                    bad.add(where + ": PSE in a PV upper-level entry");
                    continue;
                }
                boolean sameLevel = target.type() == s.type();
                if (!sameLevel && target.type() != PageType.pageTable(level - 1)) {
                    bad.add(where + ": points at a frame typed " + target.type());
                }
                if (sameLevel && (e & Pte.RW) != 0) {
                    bad.add(where + ": writable same-level (linear) entry");
                }
                inc(count, t);
                inc(typeCount, t);
            }
        }
        for (PvDomainView.Vcpu c : v.vcpus()) {
            inc(count, c.guestTable());
            inc(typeCount, c.guestTable());
            if (c.guestTableUser() != 0) {
                inc(count, c.guestTableUser());
                inc(typeCount, c.guestTableUser());
            }
            for (long l : c.ldtShadow()) {
                if (l != 0) {
                    inc(count, l);
                    inc(typeCount, l);
                }
            }
        }
        for (PageInfo.Snapshot s : v.frames()) {
            if (s.owner() != d.domid()) {
                continue;
            }
            long wantCount = count.getOrDefault(s.mfn(), 0L);
            long wantType = typeCount.getOrDefault(s.mfn(), 0L);
            if (s.count() != wantCount) {
                bad.add(hex(s.mfn()) + ": general count " + s.count() + ", references held " + wantCount);
            }
            if (s.typeCount() != wantType) {
                bad.add(hex(s.mfn()) + ": type count " + s.typeCount() + " (" + s.type() + "), references held "
                        + wantType);
            }
        }
        return bad;
    }

    private static int slots(PvDomain d, int level) {
        return level == 3 && d.pv32() ? 4 : 512;
    }

    private static boolean guestSlot(PvDomain d, int level, int i, PageInfo.Snapshot s) {
        return switch (level) {
            case 2 -> PvMm.isGuestL2Slot(s.paeXenL2(), i);
            case 4 -> d.mm().isGuestL4Slot(i);
            default -> true;
        };
    }

    private static void inc(Map<Long, Long> m, long k) {
        m.merge(k, 1L, Long::sum);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
