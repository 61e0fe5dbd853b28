package dev.trustbundle;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Enforces the stage direction of DEVELOPERS.md and keeps I/O out of the pure stages. */
class ArchitectureTest {
  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.trustbundle");

  @Test
  void stagesDependOnlyDownstream() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("error")
        .definedBy("dev.trustbundle.error..")
        .layer("cab")
        .definedBy("dev.trustbundle.cab..")
        .layer("ctl")
        .definedBy("dev.trustbundle.ctl..")
        .layer("verify")
        .definedBy("dev.trustbundle.verify..")
        .layer("upstream")
        .definedBy("dev.trustbundle.upstream..")
        .layer("profile")
        .definedBy("dev.trustbundle.profile..")
        .layer("bundle")
        .definedBy("dev.trustbundle.bundle..")
        .layer("store")
        .definedBy("dev.trustbundle.store..")
        .layer("serve")
        .definedBy("dev.trustbundle.serve..")
        .layer("client")
        .definedBy("dev.trustbundle.client..")
        .layer("report")
        .definedBy("dev.trustbundle.report..")
        .layer("cli")
        .definedBy("dev.trustbundle.cli..")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("serve")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("client")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("report")
        .mayOnlyBeAccessedByLayers("cli", "serve")
        .whereLayer("store")
        .mayOnlyBeAccessedByLayers("serve", "client", "report", "cli")
        .whereLayer("bundle")
        .mayOnlyBeAccessedByLayers("store", "serve", "client", "report", "cli")
        .whereLayer("profile")
        .mayOnlyBeAccessedByLayers("bundle", "store", "serve", "client", "report", "cli")
        .whereLayer("upstream")
        .mayOnlyBeAccessedByLayers("bundle", "store", "serve", "client", "report", "cli")
        .whereLayer("verify")
        .mayOnlyBeAccessedByLayers(
            "upstream", "profile", "bundle", "store", "serve", "client", "report", "cli")
        .whereLayer("ctl")
        .mayOnlyBeAccessedByLayers(
            "verify", "upstream", "profile", "bundle", "store", "serve", "client", "report", "cli")
        .whereLayer("cab")
        .mayOnlyBeAccessedByLayers(
            "verify", "upstream", "profile", "bundle", "store", "serve", "client", "report", "cli")
        .check(CLASSES);
  }

  @Test
  void formatsDoNotDependOnEachOther() {
    noClasses()
        .that()
        .resideInAPackage("dev.trustbundle.cab..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.trustbundle.ctl..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage("dev.trustbundle.ctl..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.trustbundle.cab..")
        .check(CLASSES);
  }

  @Test
  void pureStagesDoNoIoAndReadNoClock() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.trustbundle.cab..",
            "dev.trustbundle.ctl..",
            "dev.trustbundle.verify..",
            "dev.trustbundle.report..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.nio.file..", "java.net..", "java.nio.channels..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.File")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.FileInputStream")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.FileOutputStream")
        .orShould()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(java.time.Clock.class, "systemUTC")
        .check(CLASSES);
  }
}
