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
}
