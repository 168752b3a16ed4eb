package xpf.sim.domain;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.LongUnaryOperator;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.MappingSpec;
import xpf.model.scenario.MemoryInit;
import xpf.model.scenario.PteSpec;
import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingMode;
import xpf.sim.x86.EntryBits;
import xpf.sim.x86.EntryLevel;
import xpf.sim.x86.PagingGeometry;
import xpf.sim.x86.PagingGeometry.LevelGeometry;
import xpf.sim.x86.PhysicalMemory;

/**
 * Writes a domain's initial memory: raw data, page-table entries, then helper mappings (which create missing tables
 * from the domain's spare frames). Frame numbers are in the domain's frame space; {@code toMachine} maps them to
 * machine frames (identity for PV and bare, the p2m for HVM).
 */
public final class InitialMemory {

    private InitialMemory() {
    }

    /** The domain's spare frames in its own frame space: right after its highest named frame. */
    public static Deque<Long> spareFrames(DomainSpec d) {
        long next = firstSpareFrame(d);
        Deque<Long> out = new ArrayDeque<>(Math.max(d.spareFrames(), 1));
        for (int i = 0; i < d.spareFrames(); i++) {
            out.add(next + i);
        }
        return out;
    }

    /** The first spare frame: one above the highest named frame (0x1000 if there is none). */
    public static long firstSpareFrame(DomainSpec d) {
        long max = Long.MIN_VALUE;
        boolean any = false;
        for (long f : d.frames().values()) {
            max = any ? Math.max(max, f) : f;
            any = true;
        }
        return (any ? max : 0x1000 - 1) + 1;
    }

    /**
     * @param mode   the paging mode whose entry format the tables use (vCPU 0's)
     * @param spares spare frames still free; tables created by mappings are taken from its head
     */
    public static void write(DomainSpec d, String path, PagingMode mode, int maxPhyAddr, LongUnaryOperator toMachine,
            PhysicalMemory mem, Deque<Long> spares) {
        int width = mode == null ? 8 : mode.entryBytes();
        for (int i = 0; i < d.memory().size(); i++) {
            MemoryInit m = d.memory().get(i);
            if (m.offset() < 0 || m.offset() + m.size() > 4096) {
                throw new ScenarioError(path + ".memory[" + i + "]", "offset " + m.offset() + " + size " + m.size()
                        + " does not fit in a 4 KiB frame");
            }
            mem.write((toMachine.applyAsLong(m.frame()) << 12) + m.offset(), m.size(), m.value());
        }
        for (int i = 0; i < d.pageTables().size(); i++) {
            PteSpec p = d.pageTables().get(i);
            int entries = 4096 / width;
            if (p.index() < 0 || p.index() >= entries) {
                throw new ScenarioError(path + ".page_tables[" + i + "].index", p.index() + " is outside 0.."
                        + (entries - 1) + " for " + width + "-byte entries");
            }
            if (width == 4 && (p.value() >>> 32) != 0) {
                throw new ScenarioError(path + ".page_tables[" + i + "].entry", "0x" + Long.toHexString(p.value())
                        + " does not fit a 4-byte entry");
            }
            mem.write((toMachine.applyAsLong(p.tableFrame()) << 12) + (long) p.index() * width, width, p.value());
        }
        for (int i = 0; i < d.mappings().size(); i++) {
            map(d.mappings().get(i), path + ".mappings[" + i + "]", mode, maxPhyAddr, toMachine, mem, spares);
        }
    }

    private static void map(MappingSpec m, String path, PagingMode mode, int maxPhyAddr, LongUnaryOperator toMachine,
            PhysicalMemory mem, Deque<Long> spares) {
        if (mode == null) {
            throw new ScenarioError(path, "mappings need a paged vCPU 0 (its mode gives the table format)");
        }
        if (!leafSizeExists(mode, m.pageSize())) {
            throw new ScenarioError(path + ".size", PageSizes.name(m.pageSize()) + " pages do not exist in "
                    + mode.wireName());
        }
        if ((m.frame() & ((m.pageSize() >>> 12) - 1)) != 0) {
            throw new ScenarioError(path + ".frame", "frame 0x" + Long.toHexString(m.frame())
                    + " is not aligned to the " + PageSizes.name(m.pageSize()) + " page size");
        }
        int width = mode.entryBytes();
        long table = m.rootFrame();
        for (LevelGeometry g : PagingGeometry.levels(mode)) {
            long slot = (toMachine.applyAsLong(table) << 12) + g.index(m.va()) * width;
            if (g.span() == m.pageSize()) {
                mem.write(slot, width, leafEntry(mode, m) | m.leafFlags());
                return;
            }
            long e = width == 4 ? mem.read(slot, 4) : mem.readWord(slot);
            boolean pdpteRegister = mode == PagingMode.PAE && g.level() == EntryLevel.PDPTE;
            if ((e & EntryBits.P) == 0) {
                if (spares.isEmpty()) {
                    throw new ScenarioError(path, "no spare frame left to create a table (raise spare_frames)");
                }
                long t = spares.removeFirst();
                // PAE PDPTEs have reserved bits where other levels have R/W and U/S: P only.
                mem.write(slot, width, (t << 12) | (pdpteRegister ? EntryBits.P : m.upperFlags()));
                table = t;
            } else if (!pdpteRegister && (e & EntryBits.PS) != 0) {
                throw new ScenarioError(path, "va 0x" + Long.toHexString(m.va())
                        + " is already mapped by a large page at " + g.level());
            } else {
                table = PagingGeometry.nextTableBase(mode, e, maxPhyAddr) >>> 12;
            }
        }
        throw new IllegalStateException("a legal leaf size always meets its level");
    }

    private static boolean leafSizeExists(PagingMode mode, long size) {
        return switch (mode) {
            case LEGACY2 -> size == PageSizes.SIZE_4K || size == PageSizes.SIZE_4M;
            case PAE -> size == PageSizes.SIZE_4K || size == PageSizes.SIZE_2M;
            case LONG4, LONG5 -> size == PageSizes.SIZE_4K || size == PageSizes.SIZE_2M || size == PageSizes.SIZE_1G;
        };
    }

    /** The leaf's address bits with PS for large pages (32-bit 4 MiB leaves put PA[39:32] in bits 20:13). */
    private static long leafEntry(PagingMode mode, MappingSpec m) {
        long addr = m.frame() << 12;
        if (m.pageSize() == PageSizes.SIZE_4K) {
            return addr;
        }
        if (mode == PagingMode.LEGACY2) {
            addr = (addr & 0xFFC00000L) | (((addr >>> 32) & 0xFF) << 13);
        }
        return addr | EntryBits.PS;
    }
}
