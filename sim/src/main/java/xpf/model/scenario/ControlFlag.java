package xpf.model.scenario;

import java.util.Locale;

/**
 * Control bits a vCPU can have beyond its paging mode (the mode stands for CR0.PG, CR4.PAE, EFER.LMA, CR4.LA57):
 * CR0.WP, CR4.PSE/PGE/SMEP/SMAP/PKE/PKS, EFER.NXE, EFLAGS.AC.
 */
public enum ControlFlag {
    WP, PSE, PGE, SMEP, SMAP, PKE, PKS, NXE, AC;

    public String wireName() {
        return name();
    }

    public static ControlFlag fromWire(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown control flag '" + s
                    + "' (expected WP, PSE, PGE, SMEP, SMAP, PKE, PKS, NXE, AC)", e);
        }
    }
}
