package xpf.conformance.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;
import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;

/**
 * The oracles walk through {@link ReferenceWalk#evaluate(CpuConfig, PagingControls, EntryMemory, long[], Access,
 * WalkAnswer)} on an overlay of the view's memory instead of building a {@link WalkCase} per access: on random cases
 * (random tables along the walk's path, random controls and accesses, one {@link WalkAnswer} reused throughout) it
 * answers what the {@link WalkCase} form answers, and {@link WalkAnswer#summary()} reads as the record's summary.
 */
class WalkEntryMemoryTest {

    @Test
    void theEntryMemoryFormAnswersAsTheWalkCaseForm() {
        Random r = new Random(20261127L);
        WalkAnswer reused = new WalkAnswer();
        int faults = 0;
        int successes = 0;
        for (int i = 0; i < 20_000; i++) {
            PagingMode mode = PagingMode.values()[r.nextInt(PagingMode.values().length)];
            long cr3 = mode == PagingMode.PAE ? 0x1020 : 0x1000;
            PagingControls c = PagingControls.long4(cr3).withMode(mode).withWp(r.nextBoolean())
                    .withPse(r.nextBoolean()).withSmep(r.nextBoolean()).withSmap(r.nextBoolean())
                    .withNxe(r.nextBoolean()).withAc(r.nextBoolean());
            CpuConfig cpu = new CpuConfig(r.nextBoolean() ? Vendor.INTEL : Vendor.AMD, 36 + r.nextInt(17),
                    r.nextBoolean());
            long va = r.nextBoolean() ? r.nextLong() : r.nextLong() & 0x7FFF_FFFF_FFFFL;
            if (mode == PagingMode.LEGACY2 || mode == PagingMode.PAE) {
                va &= 0xFFFF_FFFFL;
            }
            TreeMap<Long, Long> memory = tables(r, mode, cr3, va);
            Access a = new Access(va, AccessKind.values()[r.nextInt(AccessKind.values().length)], r.nextInt(4),
                    r.nextInt(4) == 0, r.nextInt(8) == 0);
            long[] pdpte = mode == PagingMode.PAE && r.nextBoolean()
                    ? new long[] {r.nextLong() & 0x0000_000F_FFFF_F1E7L, memory.getOrDefault(cr3 + 8L, 0L),
                        memory.getOrDefault(cr3 + 16L, 0L), memory.getOrDefault(cr3 + 24L, 0L)}
                    : null;

            WalkOutcome expected = ReferenceWalk.evaluate(new WalkCase(cpu, c, memory, a), pdpte);
            ReferenceWalk.evaluate(cpu, c, address -> memory.getOrDefault(address, 0L), pdpte, a, reused);

            assertThat(reused.toOutcome()).isEqualTo(expected);
            assertThat(reused.summary()).isEqualTo(expected.summary());
            if (expected.fault()) {
                faults++;
            } else {
                successes++;
            }
        }
        // both kinds of answer are compared, not only faults
        assertThat(faults).isGreaterThan(1_000);
        assertThat(successes).isGreaterThan(1_000);
    }

    /** Entries along the path of {@code va} (mostly present, random rights, sometimes large or reserved bits). */
    private static TreeMap<Long, Long> tables(Random r, PagingMode mode, long cr3, long va) {
        TreeMap<Long, Long> m = new TreeMap<>();
        int levels = switch (mode) {
            case LEGACY2 -> 2;
            case PAE -> 3;
            case LONG4 -> 4;
            case LONG5 -> 5;
        };
        int entryBytes = mode == PagingMode.LEGACY2 ? 4 : 8;
        long table = mode == PagingMode.PAE ? cr3 : cr3 & ~0xFFFL;
        for (int level = 0; level < levels; level++) {
            int shift = switch (mode) {
                case LEGACY2 -> level == 0 ? 22 : 12;
                case PAE -> level == 0 ? 30 : level == 1 ? 21 : 12;
                default -> 12 + 9 * (levels - 1 - level);
            };
            long index = mode == PagingMode.LEGACY2 ? (va >>> shift) & 0x3FF
                    : mode == PagingMode.PAE && level == 0 ? (va >>> shift) & 3 : (va >>> shift) & 0x1FF;
            long address = table + entryBytes * index;
            long next = 0x10_0000L + 0x1000L * (level + 1) + 0x1000L * r.nextInt(4);
            long flags = r.nextInt(10) == 0 ? 0 : 1;   // P
            flags |= r.nextBoolean() ? 2 : 0;
            flags |= r.nextInt(4) != 0 ? 4 : 0;
            flags |= r.nextInt(5) == 0 ? 0x80 : 0;   // PS
            flags |= r.nextInt(3) == 0 ? 0x60 : 0;   // A, D
            long value = next | flags;
            if (entryBytes == 8 && r.nextInt(6) == 0) {
                value |= 1L << 63;
            }
            if (entryBytes == 8 && r.nextInt(12) == 0) {
                value |= 1L << (40 + r.nextInt(12));   // maybe above MAXPHYADDR
            }
            m.put(address, entryBytes == 4 ? value & 0xFFFF_FFFFL : value);
            table = next;
        }
        return m;
    }
}
