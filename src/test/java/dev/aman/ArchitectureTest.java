package dev.aman;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Guards the dependency arrows of STYLE.md: http → services → store, one composition root. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.aman");

    @Test
    void subsystem_packages_have_no_cycles() {
        slices().matching("dev.aman.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void store_depends_on_no_service_package() {
        noClasses().that().resideInAPackage("dev.aman.store..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.aman.audit..", "dev.aman.http..",
                        "dev.aman.runtime..", "dev.aman.cli..", "dev.aman.metrics..")
                .check(CLASSES);
    }

    @Test
    void only_the_composition_root_and_http_itself_use_the_http_package() {
        // the composition root (Daemon and its two helpers in the root package) is the only outside user
        noClasses().that().resideOutsideOfPackages("dev.aman.http..", "dev.aman")
                .should().dependOnClassesThat().resideInAPackage("dev.aman.http..")
                .check(CLASSES);
    }

    @Test
    void only_the_cli_and_launcher_exit_the_process() {
        noClasses().that().doNotHaveFullyQualifiedName("dev.aman.Main")
                .should().callMethod(System.class, "exit", int.class)
                .check(CLASSES);
    }
}
