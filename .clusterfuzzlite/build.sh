#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script for xpf (docs/fuzzing.md). Builds the CLI jar (which holds the simulator,
# the reference models, the property suite and its Jazzer target xpf.properties.fuzz.ScenarioFuzzTarget) and writes,
# the way OSS-Fuzz JVM projects do, one jazzer_driver wrapper script per fuzz target into $OUT. Not run on the
# development machine (no Docker there).

export JAVA_HOME=/opt/jdk21
export PATH="$JAVA_HOME/bin:$PATH"

# Maven toolchains: the project compiles with a JDK 21+ toolchain.
mkdir -p ~/.m2
cat > ~/.m2/toolchains.xml <<XML
<toolchains><toolchain><type>jdk</type><provides><version>21</version></provides>
<configuration><jdkHome>$JAVA_HOME</jdkHome></configuration></toolchain></toolchains>
XML

./mvnw -B -q -pl reports -am package -DskipTests
cp reports/target/xpf.jar "$OUT/xpf.jar"

# The fuzzers run on the same JDK (the base image's JDK is too old for Java 21 class files).
mkdir -p "$OUT/jdk"
cp -a "$JAVA_HOME/." "$OUT/jdk/"

# Seed corpus: the regression inputs of the @FuzzTest (libFuzzer reads <fuzzer>_seed_corpus.zip).
seeds=properties/src/test/resources/xpf/properties/fuzz/ScenarioFuzzTestInputs/scenarios

# One target per area: the same target class, scoped by -Dxpf.fuzz.only (see ScenarioFuzzTarget).
for area in all x86 svm vmx hap; do
  fuzzer="xpf_${area}_fuzzer"
  if [ "$area" = all ]; then only=""; else only=":-Dxpf.fuzz.only=$area"; fi
  cat > "$OUT/$fuzzer" <<WRAPPER
#!/bin/bash
# LLVMFuzzerTestOneInput for fuzzer detection.
this_dir=\$(dirname "\$0")
export JAVA_HOME="\$this_dir/jdk"
LD_LIBRARY_PATH="\$JAVA_HOME/lib/server":\$this_dir \\
\$this_dir/jazzer_driver --agent_path=\$this_dir/jazzer_agent_deploy.jar \\
  --cp=\$this_dir/xpf.jar \\
  --target_class=xpf.properties.fuzz.ScenarioFuzzTarget \\
  --instrumentation_includes='xpf.**' \\
  --jvm_args="-Xmx2048m:-Xss8m${only}" \\
  "\$@"
WRAPPER
  chmod +x "$OUT/$fuzzer"
  if [ -d "$seeds" ] && [ -n "$(ls -A "$seeds")" ]; then
    (cd "$seeds" && zip -q -j "$OUT/${fuzzer}_seed_corpus.zip" ./*)
  fi
done
