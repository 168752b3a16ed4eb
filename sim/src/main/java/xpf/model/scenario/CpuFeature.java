package xpf.model.scenario;

import java.util.Locale;

/** CPUID features a scenario's machine has (x86-paging.md §1.0 "CPUID inputs"). */
public enum CpuFeature {
    NX, SMEP, SMAP, PKU, PKS, PAGE1GB, LA57, NRIPS, DECODE_ASSISTS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CpuFeature fromWire(String s) {
        for (CpuFeature f : values()) {
            if (f.wireName().equals(s)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown CPU feature '" + s
                + "' (expected nx, smep, smap, pku, pks, page1gb, la57, nrips, decode_assists)");
    }
}
