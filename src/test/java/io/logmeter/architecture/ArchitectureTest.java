package io.logmeter.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * How the packages may depend on each other (docs/design.md, "Packages"): checked on the compiled
 * classes, so a new dependency that breaks a rule fails the build instead of drifting in.
 */
class ArchitectureTest {

  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.logmeter");

  @Test
  void packagesDependOnEachOtherWithoutCycles() {
    slices().matching("io.logmeter.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void theHttpApiUsesNoAwsSdkType() {
    noClasses().that().resideInAPackage("io.logmeter.api..")
        .should().dependOnClassesThat().resideInAPackage("software.amazon..")
        .because("the API serves from the stores, caches and publishers it is given, not from AWS clients")
        .check(CLASSES);
  }

  @Test
  void messageParsingDependsOnNeitherVertxNorTheSdk() {
    noClasses().that().resideInAPackage("io.logmeter.message..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "software.amazon..")
        .because("what a message is and whether it is valid is pure logic, testable without a server")
        .check(CLASSES);
  }

  @Test
  void theIngestPipelineKnowsNothingOfHowTheServiceIsConfiguredOrStarted() {
    noClasses().that().resideInAPackage("io.logmeter.ingestion..")
        .should().dependOnClassesThat().resideInAnyPackage("io.logmeter.server..", "io.logmeter.api..")
        .because("the composition root (server) gives it its settings slice and its clients")
        .check(CLASSES);
  }

  @Test
  void theIngestPipelineTellsAListenerWhatItCountedInsteadOfCallingTheCacheAndAlerts() {
    noClasses().that().resideInAPackage("io.logmeter.ingestion..")
        .should().dependOnClassesThat().resideInAnyPackage("io.logmeter.usage..", "io.logmeter.alerts..")
        .because("the composition root decides who hears of commits (ingestion.CommitListener)")
        .check(CLASSES);
  }

  @Test
  void onlyTheServerPackageAndTheCommandsReadTheWholeConfiguration() {
    noClasses().that().resideOutsideOfPackages("io.logmeter.server..", "io.logmeter.local..", "io.logmeter.reconcile..")
        .and().doNotHaveFullyQualifiedName("io.logmeter.Main")
        .should().dependOnClassesThat().haveFullyQualifiedName("io.logmeter.server.Config")
        .check(CLASSES);
  }

  @Test
  void theConfigurationSlicesAreBuiltByNameOnly() {
    noClasses().should().callConstructorWhere(com.tngtech.archunit.base.DescribedPredicate.describe(
            "a constructor of a configuration slice",
            call -> call.getTargetOwner().getName()
                .matches("io\\.logmeter\\.(server\\.Config|ingestion\\.IngestSettings)(\\$.+)?")))
        .because("Config.from builds every slice from Config.SETTINGS by component name, so that settings of one"
            + " type cannot be passed in each other's place")
        .check(CLASSES);
  }

  /**
   * The async convention (docs/design.md, "Packages"): what runs confined to a verticle's context
   * composes Vert.x futures on it and hands out nothing else; the SDK's CompletableFuture is
   * returned only by the services shared across contexts (stores, cache, publishers, the query
   * helper), which each caller brings onto its own context at the call.
   */
  @Test
  void codeConfinedToAContextHandsOutVertxFuturesOnly() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods().that().areDeclaredInClassesThat()
        .resideInAnyPackage("io.logmeter.ingestion..", "io.logmeter.api..", "io.logmeter.alerts..",
            "io.logmeter.ledger..", "io.logmeter.fold..")
        .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("io.logmeter.ledger.Queries")
        .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("io.logmeter.alerts.AlertPublisher")
        // The fold's reader and view are shared across contexts, as UsageStore is.
        .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("io.logmeter.fold.FoldUsage")
        .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("io.logmeter.fold.FoldView")
        // A private wrapper of an SDK call is the call itself: its caller converts at once.
        .and().areDeclaredInClassesThat().areNotPrivate()
        .should().haveRawReturnType(java.util.concurrent.CompletableFuture.class)
        .orShould().haveRawReturnType(java.util.concurrent.CompletionStage.class)
        .check(CLASSES);
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods().that().areDeclaredInClassesThat()
        .haveFullyQualifiedName("io.logmeter.usage.UsageExport")
        .should().haveRawReturnType(java.util.concurrent.CompletableFuture.class)
        .check(CLASSES);
  }

  @Test
  void thePureArithmeticDependsOnNeitherVertxNorTheSdk() {
    noClasses().that().haveFullyQualifiedName("io.logmeter.reconcile.Drift")
        .or().haveFullyQualifiedName("io.logmeter.reconcile.Difference")
        .or().haveFullyQualifiedName("io.logmeter.reconcile.ArchiveTally")
        .or().haveFullyQualifiedName("io.logmeter.reconcile.AccountDay")
        .or().haveFullyQualifiedName("io.logmeter.reconcile.Report")
        .or().haveFullyQualifiedName("io.logmeter.usage.ShardSums")
        .or().haveFullyQualifiedName("io.logmeter.usage.Usage")
        .or().haveFullyQualifiedName("io.logmeter.archive.ArchiveKeys")
        .or().haveFullyQualifiedName("io.logmeter.ledger.IdSet")
        .or().haveFullyQualifiedName("io.logmeter.fold.FoldState")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "software.amazon..")
        .because("the reconciliation's arithmetic, the day sums, the archive's key plan, the id set and the fold's state are"
            + " pure logic, tested without a server")
        .check(CLASSES);
  }

  /**
   * Which package spells each kind of item's attribute names. A string literal is inlined where it
   * is used, so the compiled classes cannot show it: the sources of the classes that talk to
   * DynamoDB are read instead, and none outside the owner may spell an owned name; they use the
   * owner's constants and accessors ({@code Page}, {@code CounterKeys}).
   */
  @Test
  void onlyThePackageThatOwnsAnItemSpellsItsAttributeNames() throws java.io.IOException {
    java.util.Map<String, java.util.Set<String>> owned = java.util.Map.of(
        // The ledger table's pages, and the usage table's counter items and keys.
        "ledger", java.util.Set.of("pk", "sk", "expiresAt", "month", "by-month", "D#", "A#", "bytes", "messages", "e",
            "o", "p", "k", "w", "cb", "cn", "b", "n", "v", "h"),
        // The alert items of the usage table.
        "alerts", java.util.Set.of("alertState", "alertTotal"),
        // The fold's lease and head, items of the usage table.
        "fold", java.util.Set.of("#fold", "owner", "epoch", "endsAtMillis", "period", "publishedBy", "countedThroughMillis"));
    java.util.regex.Pattern literal = java.util.regex.Pattern.compile("\"([^\"\\\\\\n]*+(?:\\\\.[^\"\\\\\\n]*+)*+)\"");
    java.util.List<String> offences = new java.util.ArrayList<>();
    java.nio.file.Path root = java.nio.file.Path.of("src/main/java/io/logmeter");
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(root)) {
      for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String source = java.nio.file.Files.readString(file);
        if (!source.contains("import software.amazon.awssdk.services.dynamodb")) {
          continue;
        }
        String pkg = root.relativize(file).getParent() == null ? "" : root.relativize(file).getParent().toString();
        java.util.regex.Matcher m = literal.matcher(source);
        while (m.find()) {
          for (var owner : owned.entrySet()) {
            if (!pkg.equals(owner.getKey()) && owner.getValue().contains(m.group(1))) {
              offences.add(file + " spells \"" + m.group(1) + "\", an attribute name of " + owner.getKey());
            }
          }
        }
      }
    }
    org.assertj.core.api.Assertions.assertThat(offences).isEmpty();
  }
}
