package dev.penstock;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the dependency table of STYLE.md §2 true: packages depend one way. */
@AnalyzeClasses(packages = "dev.penstock", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule packages_depend_one_way =
      layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true)
          .layer("model").definedBy("dev.penstock.model..")
          .layer("store").definedBy("dev.penstock.store")
          .layer("jdbc").definedBy("dev.penstock.store.jdbc..")
          .layer("executor").definedBy("dev.penstock.executor")
          .layer("executors").definedBy("dev.penstock.executor.local..", "dev.penstock.executor.k8s..")
          .layer("engine").definedBy("dev.penstock.engine..")
          .layer("wire").definedBy("dev.penstock.api.dto..")
          .layer("api").definedBy("dev.penstock.api")
          .layer("cli").definedBy("dev.penstock.cli..")
          .layer("app").definedBy("dev.penstock.app..")
          .whereLayer("model").mayNotAccessAnyLayer()
          .whereLayer("store").mayOnlyAccessLayers("model")
          .whereLayer("jdbc").mayOnlyAccessLayers("store", "model")
          .whereLayer("executor").mayOnlyAccessLayers("model")
          .whereLayer("executors").mayOnlyAccessLayers("executor", "model")
          .whereLayer("engine").mayOnlyAccessLayers("store", "executor", "model")
          .whereLayer("wire").mayOnlyAccessLayers("model")
          .whereLayer("api").mayOnlyAccessLayers("engine", "store", "wire", "model")
          .whereLayer("cli").mayOnlyAccessLayers("wire", "model", "app")
          .whereLayer("cli").mayNotBeAccessedByAnyLayer()
          .whereLayer("app").mayOnlyBeAccessedByLayers("cli");

  @ArchTest
  static final ArchRule jdbc_lives_in_store_jdbc =
      noClasses().that().resideOutsideOfPackage("dev.penstock.store.jdbc..")
          .should().dependOnClassesThat().resideInAnyPackage("org.jdbi..", "org.flywaydb..", "com.zaxxer..", "java.sql..");

  @ArchTest
  static final ArchRule javalin_lives_in_api =
      noClasses().that().resideOutsideOfPackage("dev.penstock.api")
          .should().dependOnClassesThat().resideInAnyPackage("io.javalin..");

  @ArchTest
  static final ArchRule only_the_config_loader_reads_the_environment =
      noClasses().that().doNotHaveFullyQualifiedName("dev.penstock.app.ConfigLoader")
          .should().callMethod(System.class, "getenv")
          .orShould().callMethod(System.class, "getenv", String.class);
}
