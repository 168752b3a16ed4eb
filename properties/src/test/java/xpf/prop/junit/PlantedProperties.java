package xpf.prop.junit;

import static xpf.prop.Gens.ints;
import static xpf.prop.Gens.lists;
import static xpf.prop.Property.forAll;

import java.nio.file.Files;
import java.util.List;

import xpf.prop.bench.CacheActions;
import xpf.prop.report.Rendering;

/**
 * Property tests with planted bugs, run only through the JUnit test kit by {@link JUnitIntegrationTest} (the class
 * name does not match surefire's includes, so a plain build does not run them and fail).
 */
class PlantedProperties {

    @PropertyTest(tries = 500, seed = "42")
    void sumOver100(PropertyCheck prop) {
        prop.check(forAll(lists(ints(0, 1000), 0, 10)).holds(xs -> sum(xs) <= 100));
    }

    @PropertyTest(tries = 200, seed = "42")
    void coverageUnmet(PropertyCheck prop) {
        prop.check(forAll(ints(0, 1000))
                .label("above 990", x -> x > 990)
                .cover("above 990", 50.0)
                .holds(x -> true));
    }

    @PropertyTest(tries = 200, seed = "42")
    void coverageMet(PropertyCheck prop) {
        prop.check(forAll(ints(0, 1000))
                .classify("half", x -> x < 500 ? "low" : "high")
                .cover("half", "low", 30.0)
                .cover("half", "high", 30.0)
                .holds(x -> true));
    }

    @PropertyTest
    void checksNothing(PropertyCheck prop) {
        // forgot to call prop.check(...)
    }

    @PropertyTest(seed = "1")
    void starved(PropertyCheck prop) {
        prop.check(forAll(ints(0, 100).filter(x -> x > 1000)).holds(x -> true));
    }

    @PropertyTest(tries = 300, seed = "3")
    void statefulRendered(PropertyCheck prop) {
        prop.check(CacheActions.machine().forAll()
                .renderWith((scenario, ctx) -> {
                    var file = ctx.file("scenario.txt");
                    Files.writeString(file, scenario.toString() + "\n");
                    return Rendering.of(file, "cat " + file);
                })
                .check((scenario, ctx) -> scenario.run(ctx)));
    }

    private static int sum(List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).sum();
    }
}
