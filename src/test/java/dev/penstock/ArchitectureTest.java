package dev.penstock;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Keeps the dependency table of STYLE.md §2 true: packages depend one way. Plain Jupiter tests that
 * check each rule, so Surefire counts and reports them like any other test.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN_CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.penstock");

  static final ArchRule packages_depend_one_way =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .withOptionalLayers(true)
          .layer("model")
          .definedBy("dev.penstock.model..")
          .layer("store")
          .definedBy("dev.penstock.store")
          .layer("jdbc")
          .definedBy("dev.penstock.store.jdbc..")
          .layer("artifact files")
          .definedBy("dev.penstock.store.files..", "dev.penstock.store.s3..")
          .layer("executor")
          .definedBy("dev.penstock.executor")
          .layer("python")
          .definedBy("dev.penstock.executor.python..")
          .layer("executors")
          .definedBy("dev.penstock.executor.local..", "dev.penstock.executor.kubernetes..")
          .layer("engine")
          .definedBy("dev.penstock.engine..")
          .layer("wire")
          .definedBy("dev.penstock.api.dto..")
          .layer("api")
          .definedBy("dev.penstock.api")
          .layer("web")
          .definedBy("dev.penstock.web..")
          .layer("cli")
          .definedBy("dev.penstock.cli..")
          .layer("app")
          .definedBy("dev.penstock.app..")
          .whereLayer("model")
          .mayNotAccessAnyLayer()
          .whereLayer("store")
          .mayOnlyAccessLayers("model")
          .whereLayer("jdbc")
          .mayOnlyAccessLayers("store", "model")
          .whereLayer("artifact files")
          .mayOnlyAccessLayers("store", "model")
          .whereLayer("executor")
          .mayOnlyAccessLayers("model")
          .whereLayer("python")
          .mayOnlyAccessLayers("executor", "model")
          .whereLayer("executors")
          .mayOnlyAccessLayers("executor", "python", "model")
          .whereLayer("engine")
          .mayOnlyAccessLayers("store", "executor", "model")
          .whereLayer("wire")
          .mayOnlyAccessLayers("model")
          .whereLayer("api")
          .mayOnlyAccessLayers("engine", "store", "wire", "model")
          .whereLayer("web")
          .mayOnlyAccessLayers("engine", "store", "model")
          .whereLayer("cli")
          .mayOnlyAccessLayers("wire", "model", "app")
          .whereLayer("cli")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("app")
          .mayOnlyBeAccessedByLayers("cli");

  /**
   * The engine's rooms (STYLE.md §3b): definitions and access (API keys) at the bottom, upkeep and
   * cron on top.
   */
  static final ArchRule engine_rooms_depend_one_way =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .withOptionalLayers(true)
          .layer("access")
          .definedBy("dev.penstock.engine.access..")
          .layer("definition")
          .definedBy("dev.penstock.engine.definition..")
          .layer("artifact")
          .definedBy("dev.penstock.engine.artifact..")
          .layer("attempt")
          .definedBy("dev.penstock.engine.attempt..")
          .layer("run")
          .definedBy("dev.penstock.engine.run..")
          .layer("cron")
          .definedBy("dev.penstock.engine.cron..")
          .layer("upkeep")
          .definedBy("dev.penstock.engine.upkeep..")
          .whereLayer("access")
          .mayNotAccessAnyLayer()
          .whereLayer("definition")
          .mayNotAccessAnyLayer()
          .whereLayer("artifact")
          .mayOnlyAccessLayers("definition")
          .whereLayer("attempt")
          .mayOnlyAccessLayers("artifact", "definition")
          .whereLayer("run")
          .mayOnlyAccessLayers("attempt", "definition")
          .whereLayer("cron")
          .mayOnlyAccessLayers("run", "definition")
          .whereLayer("upkeep")
          .mayOnlyAccessLayers("run", "attempt", "definition");

  /**
   * The web UI's rooms (STYLE.md §3b): the pipeline, run, step and compare pages each stand on the
   * frame (dev.penstock.web: sessions, guard, templates, formats) and on web.graph, never on one
   * another; what two rooms share belongs in the frame. The frame names no room but WebUi, which
   * wires each room's routes and which nothing in the web UI names. The templates, compiled into
   * one package for every room, are named by file and left out.
   */
  static final ArchRule web_rooms_depend_one_way =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .withOptionalLayers(true)
          .layer("wiring")
          .definedBy(name("dev.penstock.web.WebUi"))
          .layer("frame")
          .definedBy(resideInAPackage("dev.penstock.web").and(not(name("dev.penstock.web.WebUi"))))
          .layer("graph")
          .definedBy("dev.penstock.web.graph..")
          .layer("pipeline")
          .definedBy("dev.penstock.web.pipeline..")
          .layer("run")
          .definedBy("dev.penstock.web.run..")
          .layer("step")
          .definedBy("dev.penstock.web.step..")
          .layer("compare")
          .definedBy("dev.penstock.web.compare..")
          .whereLayer("wiring")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("frame")
          .mayNotAccessAnyLayer()
          .whereLayer("graph")
          .mayNotAccessAnyLayer()
          .whereLayer("pipeline")
          .mayOnlyAccessLayers("frame", "graph")
          .whereLayer("run")
          .mayOnlyAccessLayers("frame", "graph")
          .whereLayer("step")
          .mayOnlyAccessLayers("frame", "graph")
          .whereLayer("compare")
          .mayOnlyAccessLayers("frame", "graph");

  static final ArchRule jdbc_lives_in_store_jdbc =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.penstock.store.jdbc..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.jdbi..", "org.flywaydb..", "com.zaxxer..", "java.sql..");

  /** Only the Kubernetes executor speaks to Kubernetes. */
  static final ArchRule fabric8_lives_in_the_kubernetes_executor =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.penstock.executor.kubernetes..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.fabric8..");

  /** The two faces of the server, the API and the web UI, are the only ones that speak HTTP. */
  static final ArchRule javalin_lives_in_api =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.penstock.api", "dev.penstock.web..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.javalin..");

  /** The engine, the store and the API record through Micrometer; only app knows Prometheus. */
  static final ArchRule prometheus_lives_in_app =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.penstock.app..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.micrometer.prometheusmetrics..", "io.prometheus..");

  /** Contracts and records carry no meters: what is measured is measured where it happens. */
  static final ArchRule contracts_know_no_meters =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.penstock.model..",
              "dev.penstock.store",
              "dev.penstock.executor..",
              "dev.penstock.api.dto..",
              "dev.penstock.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.micrometer..");

  static final ArchRule only_config_loader_reads_env =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName("dev.penstock.app.ConfigLoader")
          .should()
          .callMethod(System.class, "getenv")
          .orShould()
          .callMethod(System.class, "getenv", String.class);

  @Test
  void only_the_kubernetes_executor_speaks_to_kubernetes() {
    fabric8_lives_in_the_kubernetes_executor.check(MAIN_CLASSES);
  }

  @Test
  void packages_depend_one_way() {
    packages_depend_one_way.check(MAIN_CLASSES);
  }

  @Test
  void engine_rooms_depend_one_way() {
    engine_rooms_depend_one_way.check(MAIN_CLASSES);
  }

  @Test
  void web_rooms_depend_one_way() {
    web_rooms_depend_one_way.check(MAIN_CLASSES);
  }

  @Test
  void jdbc_libraries_are_used_only_in_store_jdbc() {
    jdbc_lives_in_store_jdbc.check(MAIN_CLASSES);
  }

  @Test
  void javalin_is_used_only_in_api_and_web() {
    javalin_lives_in_api.check(MAIN_CLASSES);
  }

  @Test
  void prometheus_is_used_only_in_app() {
    prometheus_lives_in_app.check(MAIN_CLASSES);
  }

  @Test
  void contracts_and_records_know_no_meters() {
    contracts_know_no_meters.check(MAIN_CLASSES);
  }

  @Test
  void only_the_config_loader_reads_the_environment() {
    only_config_loader_reads_env.check(MAIN_CLASSES);
  }
}
