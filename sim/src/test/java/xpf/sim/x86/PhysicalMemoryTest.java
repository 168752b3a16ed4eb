package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
    @Test
    void unwrittenMemoryReadsZeroAndZeroWritesAllocateNothing() {
        PhysicalMemory m = new PhysicalMemory();
        assertThat(m.readWord(0x1234_5678_9000L)).isZero();
        m.writeWord(0x5000, 0);
        assertThat(m.snapshotWords()).isEmpty();
    }

    @Test
    void littleEndianSubWordAndUnalignedAccess() {
        PhysicalMemory m = new PhysicalMemory();
        m.writeWord(0x1000, 0x8877_6655_4433_2211L);
        assertThat(m.read(0x1000, 1)).isEqualTo(0x11);
        assertThat(m.read(0x1002, 2)).isEqualTo(0x4433);
        assertThat(m.read(0x1004, 4)).isEqualTo(0x8877_6655L);
        m.write(0x1FFE, 4, 0xAABB_CCDDL); // straddles a frame boundary
        assertThat(m.read(0x1FFE, 4)).isEqualTo(0xAABB_CCDDL);
        assertThat(m.read(0x2000, 2)).isEqualTo(0xAABB);
    }

    @Test
    void compareAndSetOnlyWhenExpected() {
        PhysicalMemory m = new PhysicalMemory();
        m.write(0x10, 4, 7);
        assertThat(m.compareAndSet(0x10, 4, 6, 9)).isFalse();
        assertThat(m.compareAndSet(0x10, 4, 7, 9)).isTrue();
        assertThat(m.read(0x10, 4)).isEqualTo(9);
    }

    @Test
    void manyFramesSurviveGrowthAndCopiesAreIndependent() {
        PhysicalMemory m = new PhysicalMemory();
        for (long f = 0; f < 5000; f++) {
            m.writeWord(f << 12, f + 1);
        }
        PhysicalMemory c = m.copy();
        m.writeWord(0, 99);
        for (long f = 0; f < 5000; f++) {
            assertThat(c.readWord(f << 12)).isEqualTo(f + 1);
        }
        assertThat(m.readWord(0)).isEqualTo(99);
        assertThat(c.snapshotWords()).hasSize(5000);
        assertThat(c.snapshotWords().firstKey()).isEqualTo(0L);
    }

    @Test
    void subWordCompareAndSetComparesOnlyItsBytes() {
        PhysicalMemory m = new PhysicalMemory();
        m.writeWord(0x20, 0xFFFF_FFFF_0000_0007L);
        assertThat(m.compareAndSet(0x20, 4, 0x1_0000_0007L, 9)).as("bits above the size are ignored").isTrue();
        assertThat(m.readWord(0x20)).isEqualTo(0xFFFF_FFFF_0000_0009L);
        assertThat(m.compareAndSet(0x20, 2, 0x8, 1)).isFalse();
    }

    @Test
    void clearFrameZeroesExactlyThatFrame() {
        PhysicalMemory m = new PhysicalMemory();
        m.writeWord(0x3000, 1);
        m.writeWord(0x3FF8, 2);
        m.writeWord(0x4000, 3);
        m.writeWord(0x2FF8, 4);
        m.clearFrame(3);
        assertThat(m.snapshotWords()).containsOnlyKeys(0x2FF8L, 0x4000L);
    }

    @Test
    void theWriteObserverSeesEveryWordWritten() {
        PhysicalMemory m = new PhysicalMemory();
        java.util.List<Long> seen = new java.util.ArrayList<>();
        m.setWriteObserver(seen::add);
        m.write(0x1006, 4, 0xAABBCCDDL); // spans two words: written byte by byte
        m.writeWord(0x2000, 0);
        assertThat(seen).containsExactly(0x1000L, 0x1000L, 0x1008L, 0x1008L, 0x2000L);
    }

    @Test
    void badSizesAreRefused() {
        PhysicalMemory m = new PhysicalMemory();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.read(0, 3)).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.write(0, 16, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void framesSharingACacheSlotAndFramesWrittenAfterAZeroReadStayCoherent() {
        PhysicalMemory m = new PhysicalMemory();
        long far = 0xF_FFFF_FFFF_8000L; // a frame near the top of a 52-bit physical space
        assertThat(m.readWord(0x8000)).isZero(); // read of an absent frame: nothing is cached for it
        m.writeWord(0x8010, 5);
        assertThat(m.readWord(0x8010)).isEqualTo(5);
        // Frames 0, 8, 16 and that frame all map to the same cache slot; reads alternate between them.
        m.writeWord(0x0, 1);
        m.writeWord(0x10008, 16);
        m.writeWord(far + 0xFF8, 77);
        for (int round = 0; round < 3; round++) {
            assertThat(m.readWord(0x0)).isEqualTo(1);
            assertThat(m.readWord(0x8010)).isEqualTo(5);
            assertThat(m.readWord(0x10008)).isEqualTo(16);
            assertThat(m.readWord(far + 0xFF8)).isEqualTo(77);
        }
        m.write(far + 0xFFC, 4, 0x1234_5678L);
        assertThat(m.readWord(far + 0xFF8)).isEqualTo(0x1234_5678_0000_004DL);
        m.clearFrame(8);
        assertThat(m.readWord(0x8010)).isZero();
        m.writeWord(0x0, 0);
        assertThat(m.snapshotWords()).containsOnlyKeys(0x10008L, far + 0xFF8);
    }

    /**
     * The word-by-word snapshot this replaced: every non-zero word into a tree (what {@code snapshotWords} returned
     * before snapshots became copy-on-write frame sets).
     */
    private static java.util.SortedMap<Long, Long> treeSnapshot(java.util.Map<Long, Long> model) {
        java.util.TreeMap<Long, Long> out = new java.util.TreeMap<>();
        model.forEach((a, v) -> {
            if (v != 0) {
                out.put(a, v);
            }
        });
        return out;
    }

    @Test
    void snapshotsDoNotChangeWhenMemoryIsWrittenAfterThem() {
        PhysicalMemory m = new PhysicalMemory();
        m.writeWord(0x1000, 1);
        m.writeWord(0x1008, 2);
        m.writeWord(0x5000, 3);
        java.util.SortedMap<Long, Long> before = m.snapshotWords();
        assertThat(m.snapshotWords()).as("nothing written: the same snapshot").isSameAs(before);
        m.writeWord(0x1000, 10); // a shared frame: copied before the write
        m.writeWord(0x1008, 0);
        m.clearFrame(5);
        m.writeWord(0x9000, 4); // a new frame
        m.write(0x1010, 2, 0xBEEF);
        assertThat(before).containsExactly(java.util.Map.entry(0x1000L, 1L), java.util.Map.entry(0x1008L, 2L),
                java.util.Map.entry(0x5000L, 3L));
        assertThat(m.readWord(0x1000)).isEqualTo(10);
        assertThat(m.readWord(0x1008)).isZero();
        assertThat(m.readWord(0x5000)).isZero();
        java.util.SortedMap<Long, Long> after = m.snapshotWords();
        assertThat(after).containsExactly(java.util.Map.entry(0x1000L, 10L), java.util.Map.entry(0x1010L, 0xBEEFL),
                java.util.Map.entry(0x9000L, 4L));
        m.writeWord(0x9000, 5); // written once more: the second snapshot keeps its value too
        assertThat(after.get(0x9000L)).isEqualTo(4L);
        assertThat(before.get(0x1000L)).isEqualTo(1L);
        PhysicalMemory c = m.copy();
        c.writeWord(0x1000, 99);
        assertThat(m.readWord(0x1000)).isEqualTo(10);
        assertThat(after.get(0x1000L)).isEqualTo(10L);
    }

    @Test
    void randomWritesAndSnapshotsMatchAWordMap() {
        java.util.Random r = new java.util.Random(42);
        for (int run = 0; run < 20; run++) {
            PhysicalMemory m = new PhysicalMemory();
            java.util.Map<Long, Long> model = new java.util.HashMap<>();
            java.util.List<java.util.SortedMap<Long, Long>> snaps = new java.util.ArrayList<>();
            java.util.List<java.util.SortedMap<Long, Long>> wants = new java.util.ArrayList<>();
            long[] frames = {0, 1, 2, 7, 8, 9, 16, 0x1234, 0xF_FFFF_FFFFL, 0x8_0000_0000_0000L - 1};
            for (int op = 0; op < 3000; op++) {
                long pa = (frames[r.nextInt(frames.length)] << 12) | (8L * r.nextInt(r.nextBoolean() ? 4 : 512));
                switch (r.nextInt(10)) {
                    case 0 -> {
                        snaps.add(m.snapshotWords());
                        wants.add(treeSnapshot(model));
                    }
                    case 1 -> {
                        m.clearFrame(pa >>> 12);
                        model.keySet().removeIf(a -> a >>> 12 == pa >>> 12);
                    }
                    case 2, 3 -> {
                        m.writeWord(pa, 0);
                        model.remove(pa);
                    }
                    case 4 -> {
                        int size = 1 << r.nextInt(4);
                        long at = pa + r.nextInt(8);
                        long v = r.nextLong();
                        m.write(at, size, v);
                        for (int b = 0; b < size; b++) {
                            long a = (at + b) & ~7L;
                            int sh = (int) ((at + b) & 7) * 8;
                            long w = model.getOrDefault(a, 0L);
                            model.put(a, (w & ~(0xFFL << sh)) | (((v >>> (8 * b)) & 0xFF) << sh));
                        }
                    }
                    default -> {
                        long v = r.nextInt(3) == 0 ? r.nextInt(5) : r.nextLong();
                        m.writeWord(pa, v);
                        model.put(pa, v);
                    }
                }
                assertThat(m.readWord(pa)).isEqualTo(model.getOrDefault(pa, 0L));
            }
            snaps.add(m.snapshotWords());
            wants.add(treeSnapshot(model));
            for (int i = 0; i < snaps.size(); i++) {
                assertThat(snaps.get(i)).as("snapshot %d of run %d", i, run).isEqualTo(wants.get(i));
                assertThat(new java.util.ArrayList<>(snaps.get(i).entrySet()))
                        .isEqualTo(new java.util.ArrayList<>(wants.get(i).entrySet()));
                assertThat(snaps.get(i).hashCode()).isEqualTo(wants.get(i).hashCode());
            }
        }
    }
}
