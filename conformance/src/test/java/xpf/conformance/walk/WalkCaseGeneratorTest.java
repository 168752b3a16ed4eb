package xpf.conformance.walk;

import xpf.sim.walk.WalkCaseRules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import xpf.conformance.reference.ReferenceWalk;
import xpf.model.x86.PagingMode;
import xpf.model.x86.WalkOutcome;

/** The generator is deterministic, produces valid input only, and spreads cases over every category it promises. */
class WalkCaseGeneratorTest {

    static final long SEED = 0x5EED_0003L;
    static final int N = 60_000;
    static WalkSpread spread;

    @BeforeAll
    static void generate() {
        WalkCaseGenerator gen = new WalkCaseGenerator(SEED);
        spread = new WalkSpread();
        for (int i = 0; i < N; i++) {
            WalkCaseGenerator.GeneratedCase g = gen.caseAt(i);
            assertThat(WalkCaseRules.problem(g.walkCase())).as("case %d", i).isNull();
            WalkOutcome o = ReferenceWalk.evaluate(g.walkCase());
            spread.add(g, o);
        }
        System.out.println("walk case spread, seed 0x" + Long.toHexString(SEED) + ", " + N + " cases:");
        System.out.print(spread.render());
    }

    @Test
    @DisplayName("same seed and index give the same case; another seed gives other cases")
    void deterministic() {
        WalkCaseGenerator a = new WalkCaseGenerator(42);
        WalkCaseGenerator b = new WalkCaseGenerator(42);
        WalkCaseGenerator other = new WalkCaseGenerator(43);
        int differ = 0;
        for (int i = 0; i < 200; i++) {
            assertThat(a.caseAt(i)).isEqualTo(b.caseAt(i));
            if (!a.caseAt(i).walkCase().equals(other.caseAt(i).walkCase())) {
                differ++;
            }
        }
        assertThat(differ).isGreaterThan(190);
        // random access to an index gives what sequential generation gave
        assertThat(a.caseAt(123_456)).isEqualTo(new WalkCaseGenerator(42).caseAt(123_456));
    }

    @Test
    @DisplayName("every mode gets at least 20% of the cases")
    void modes() {
        for (PagingMode m : PagingMode.values()) {
            assertThat(spread.count("mode=" + m.wireName())).as(m.wireName()).isGreaterThan(N / 5);
        }
    }

    @Test
    @DisplayName("successes and every fault class are common (>= 2% each, successes >= 20%)")
    void outcomeClasses() {
        assertThat(spread.count("outcome=ok")).isGreaterThan(N / 5);
        for (WalkSpread.OutcomeClass oc : WalkSpread.OutcomeClass.values()) {
            assertThat(spread.count("outcome=" + oc.key)).as(oc.key).isGreaterThan(N / 50);
        }
        for (PagingMode m : PagingMode.values()) {
            for (String oc : new String[] {"ok", "pf-not-present", "pf-rsvd", "pf-rights"}) {
                assertThat(spread.count("outcome=" + oc + "/" + m.wireName())).as(oc + " in " + m.wireName())
                        .isGreaterThan(N / 200);
            }
        }
        for (String m : new String[] {"long4", "long5"}) {
            assertThat(spread.count("outcome=pf-pk/" + m)).as("pk in " + m).isGreaterThan(N / 200);
        }
    }

    @Test
    @DisplayName("every leaf size of every mode succeeds often")
    void leafSizes() {
        String[] pages = {"4K/legacy2", "4M/legacy2", "4K/pae", "2M/pae", "4K/long4", "2M/long4", "1G/long4",
            "4K/long5", "2M/long5", "1G/long5"};
        for (String p : pages) {
            assertThat(spread.count("page=" + p)).as(p).isGreaterThan(N / 400);
        }
    }

    @Test
    @DisplayName("P=0 and reserved-bit faults occur at every level of every mode (except PAE PDPTE RSVD: #GP)")
    void stopLevels() {
        String[][] levels = {{"legacy2", "PDE", "PTE"}, {"pae", "PDPTE", "PDE", "PTE"},
            {"long4", "PML4E", "PDPTE", "PDE", "PTE"}, {"long5", "PML5E", "PML4E", "PDPTE", "PDE", "PTE"}};
        for (String[] mode : levels) {
            for (int i = 1; i < mode.length; i++) {
                assertThat(spread.count("stop=" + mode[0] + "/" + mode[i] + "/not-present"))
                        .as("not-present at %s %s", mode[0], mode[i]).isGreaterThan(N / 2000);
                boolean rsvdPossible = !(mode[0].equals("pae") && mode[i].equals("PDPTE"))
                        && !(mode[0].equals("legacy2") && mode[i].equals("PTE"));
                if (rsvdPossible) {
                    assertThat(spread.count("stop=" + mode[0] + "/" + mode[i] + "/rsvd"))
                            .as("rsvd at %s %s", mode[0], mode[i]).isGreaterThan(N / 2000);
                }
            }
        }
    }

    @Test
    @DisplayName("every U/S x R/W combination at every level of every mode; XD set and clear at every pae/long level")
    void rightsAtEveryLevel() {
        String[][] levels = {{"legacy2", "PDE", "PTE"}, {"pae", "PDE", "PTE"},
            {"long4", "PML4E", "PDPTE", "PDE", "PTE"}, {"long5", "PML5E", "PML4E", "PDPTE", "PDE", "PTE"}};
        for (String[] mode : levels) {
            for (int i = 1; i < mode.length; i++) {
                for (String uw : new String[] {"U0W0", "U0W1", "U1W0", "U1W1"}) {
                    String key = "rights=" + mode[0] + "/" + mode[i] + "/" + uw;
                    long n = spread.count(key + "X0") + spread.count(key + "X1");
                    assertThat(n).as(key).isGreaterThan(N / 2000);
                }
                if (!mode[0].equals("legacy2")) {
                    String prefix = "rights=" + mode[0] + "/" + mode[i] + "/";
                    long xd = spread.counts().entrySet().stream()
                            .filter(e -> e.getKey().startsWith(prefix) && e.getKey().endsWith("X1"))
                            .mapToLong(e -> e.getValue()).sum();
                    assertThat(xd).as("XD at %s %s", mode[0], mode[i]).isGreaterThan(N / 2000);
                }
            }
        }
    }

    @Test
    @DisplayName("table aliasing of every kind, with an entry read twice in some walks")
    void aliasing() {
        for (WalkCaseGenerator.Aliasing a : WalkCaseGenerator.Aliasing.values()) {
            assertThat(spread.count("alias=" + a)).as(a.name()).isGreaterThan(N / 200);
        }
        assertThat(spread.count("alias=SAME_ENTRY_TWICE/ok")).isGreaterThan(N / 1000);
        assertThat(spread.count("alias=PAGE_IS_TABLE/ok")).isGreaterThan(N / 1000);
        assertThat(spread.count("walk=repeated-entry")).isGreaterThan(N / 200);
    }

    @Test
    @DisplayName("every MAXPHYADDR 36..52, both vendors, Page1GB both ways, every control bit")
    void machineSpread() {
        for (int m = 36; m <= 52; m++) {
            assertThat(spread.count("maxphyaddr=" + m)).as("M=%d", m).isGreaterThan(N / 100);
        }
        assertThat(spread.count("vendor=intel")).isGreaterThan(N / 3);
        assertThat(spread.count("vendor=amd")).isGreaterThan(N / 3);
        assertThat(spread.count("page1gb=false")).isGreaterThan(N / 20);
        for (String ctl : new String[] {"cr0_wp", "cr4_pse", "cr4_pge", "cr4_smep", "cr4_smap", "cr4_pke", "cr4_pks",
            "efer_nxe", "eflags_ac"}) {
            assertThat(spread.count("ctl=" + ctl)).as(ctl).isBetween((long) N / 5, (long) N * 4 / 5);
        }
        for (String acc : new String[] {"read/cpl0", "write/cpl3", "fetch/cpl1", "read/cpl2/implicit"}) {
            assertThat(spread.count("access=" + acc)).as(acc).isGreaterThan(N / 500);
        }
        assertThat(spread.count("ad=written")).isGreaterThan(N / 10);
    }
}
