package xpf.conformance.reference.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import xpf.model.xen.HvmDomainView;

/**
 * The reference model's runs read the view through overlays instead of copying its maps per prediction: each overlay
 * answers, on random operations, what the copy it replaces would have answered.
 */
class OverlayTest {

    @Test
    void anOverlaySetAnswersAsACopyOfItsBase() {
        Random r = new Random(11);
        for (int round = 0; round < 500; round++) {
            Set<Long> base = new HashSet<>();
            for (int i = r.nextInt(8); i > 0; i--) {
                base.add((long) r.nextInt(16));
            }
            Set<Long> frozen = Collections.unmodifiableSet(new HashSet<>(base));
            Set<Long> copy = new HashSet<>(base);
            OverlaySet<Long> overlay = new OverlaySet<>(frozen);
            for (int op = 0; op < 40; op++) {
                long e = r.nextInt(16);
                switch (r.nextInt(3)) {
                    case 0 -> assertThat(overlay.add(e)).isEqualTo(copy.add(e));
                    case 1 -> assertThat(overlay.remove(e)).isEqualTo(copy.remove(e));
                    default -> assertThat(overlay.contains(e)).isEqualTo(copy.contains(e));
                }
                for (long x = 0; x < 16; x++) {
                    assertThat(overlay.contains(x)).as("member %d", x).isEqualTo(copy.contains(x));
                }
            }
            assertThat(frozen).isEqualTo(base);   // the view's set is never written
        }
    }

    @Test
    void anOverlayMapAnswersAsACopyOfItsBase() {
        Random r = new Random(12);
        String[] keys = {"cr2", "hw_cr2", "eventinj", "exitcode", "exit_int_info", "entry_intr_info"};
        for (int round = 0; round < 500; round++) {
            Map<String, Long> base = new HashMap<>();
            for (String k : keys) {
                if (r.nextBoolean()) {
                    base.put(k, r.nextLong(4));
                }
            }
            Map<String, Long> frozen = Collections.unmodifiableMap(new HashMap<>(base));
            Map<String, Long> copy = new HashMap<>(base);
            OverlayMap<String, Long> overlay = new OverlayMap<>(frozen);
            for (int op = 0; op < 30; op++) {
                String k = keys[r.nextInt(keys.length)];
                if (r.nextBoolean()) {
                    long v = r.nextLong(4);
                    overlay.put(k, v);
                    copy.put(k, v);
                }
                for (String x : keys) {
                    assertThat(overlay.get(x)).isEqualTo(copy.get(x));
                    assertThat(overlay.getOrDefault(x, -7L)).isEqualTo(copy.getOrDefault(x, -7L));
                }
            }
            assertThat(frozen).isEqualTo(base);
        }
    }

    @Test
    void theViewP2mAnswersAsAMapBuiltFromTheList() {
        Random r = new Random(15);
        for (int round = 0; round < 2_000; round++) {
            List<HvmDomainView.P2m> list = new ArrayList<>();
            int n = r.nextInt(40);
            boolean ascending = r.nextBoolean();
            long gfn = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                // ascending lists (as the simulator builds them) and unordered ones with repeated gfns
                gfn = ascending ? gfn + 1 + r.nextInt(3) : r.nextInt(48);
                list.add(new HvmDomainView.P2m(gfn, r.nextInt(100), r.nextBoolean() ? "ram_rw" : "mmio_dm", null));
            }
            Map<Long, HvmDomainView.P2m> map = new HashMap<>();
            for (HvmDomainView.P2m e : list) {
                map.put(e.gfn(), e);
            }
            ViewP2m view = new ViewP2m(List.copyOf(list));
            for (long g = -1; g < 130; g++) {
                assertThat(view.get(g)).as("gfn %d of %s", g, list).isSameAs(map.get(g));
            }
        }
    }

    @Test
    void withoutKeepsTheOrderAndTheListWhenNothingIsDropped() {
        Random r = new Random(13);
        for (int round = 0; round < 2_000; round++) {
            List<Integer> list = new ArrayList<>();
            for (int i = r.nextInt(7); i > 0; i--) {
                list.add(r.nextInt(10));
            }
            List<Integer> frozen = List.copyOf(list);
            int cut = r.nextInt(10);
            List<Integer> got = PvState.without(frozen, x -> x >= cut);
            assertThat(got).isEqualTo(frozen.stream().filter(x -> x < cut).toList());
            if (frozen.stream().noneMatch(x -> x >= cut)) {
                assertThat(got).isSameAs(frozen);
            }
        }
    }

    @Test
    void aBareEntryReadsAsTheEntryMapHoldsIt() {
        Random r = new Random(14);
        for (int round = 0; round < 1_000; round++) {
            SortedMap<Long, Long> memory = new TreeMap<>();
            for (int i = r.nextInt(10); i > 0; i--) {
                // mostly 8-aligned words; some unaligned keys and half-zero words probe the map's edge cases
                long address = r.nextInt(5) == 0 ? 0x1000 + r.nextInt(64) : 0x1000 + 8L * r.nextInt(8);
                long value = switch (r.nextInt(4)) {
                    case 0 -> r.nextLong() & 0xFFFF_FFFFL;
                    case 1 -> r.nextLong() & 0xFFFF_FFFF_0000_0000L;
                    case 2 -> 0;
                    default -> r.nextLong();
                };
                memory.put(address, value);
            }
            for (boolean legacy : new boolean[] {false, true}) {
                SortedMap<Long, Long> entries = BareOracle.entries(memory, legacy);
                for (long a = 0xFF8; a < 0x1050; a++) {
                    assertThat(BareOracle.entry(memory, legacy, a)).as("entry at 0x%x legacy=%s", a, legacy)
                            .isEqualTo(entries.getOrDefault(a, 0L));
                }
            }
        }
    }
}
