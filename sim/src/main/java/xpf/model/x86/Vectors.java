package xpf.model.x86;

/** Exception vectors (x86-paging.md §1.1g, SDM Table 6-1) and their mnemonics. */
public final class Vectors {
    public static final int DE = 0;
    public static final int DB = 1;
    public static final int NMI = 2;
    public static final int BP = 3;
    public static final int OF = 4;
    public static final int BR = 5;
    public static final int UD = 6;
    public static final int NM = 7;
    public static final int DF = 8;
    public static final int TS = 10;
    public static final int NP = 11;
    public static final int SS = 12;
    public static final int GP = 13;
    public static final int PF = 14;
    public static final int MF = 16;
    public static final int AC = 17;
    public static final int MC = 18;
    public static final int XM = 19;
    public static final int VE = 20;
    public static final int CP = 21;

    private static final String[] MNEMONICS = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#9",
        "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP"};

    private Vectors() {
    }

    public static String mnemonic(Integer v) {
        if (v == null) {
            return "-";
        }
        return v >= 0 && v < MNEMONICS.length ? MNEMONICS[v] : "vector " + v;
    }
}
