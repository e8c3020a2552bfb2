package io.logmeter.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which dynalite local mode starts: the project's own install (the version its lock pins) before one
 * on the PATH, the PATH's when the build installed none, and none at all says what to install.
 */
class DynaliteLookupTest {

  @TempDir
  Path dir;

  @Test
  void theProjectsOwnInstallComesBeforeOneOnThePath() throws Exception {
    Path build = dir.resolve("target");
    Path own = install(build.resolve("dynalite/node_modules/dynalite"), build.resolve("dynalite/node_modules/.bin"));
    Path global = install(dir.resolve("lib/node_modules/dynalite"), dir.resolve("bin"));
    String path = dir.resolve("empty") + File.pathSeparator + dir.resolve("bin");

    assertThat(Dynalite.find(Dynalite.candidates(List.of(build), path))).contains(own.toRealPath());
    assertThat(Dynalite.find(Dynalite.candidates(List.of(dir.resolve("elsewhere")), path)))
        .contains(global.toRealPath());
  }

  @Test
  void noneFoundSaysWhatToInstall() {
    assertThat(Dynalite.find(Dynalite.candidates(List.of(dir), dir.resolve("bin").toString()))).isEmpty();
    assertThat(Dynalite.MISSING).contains("apt-get install -y nodejs npm").contains("npm install -g dynalite@");
    assertThat(Dynalite.MISSING).doesNotContain("\n");
  }

  @Test
  void aCommandNamedDynaliteOutsideAPackageIsNotTaken() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path stray = Files.writeString(bin.resolve("dynalite"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(stray, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThat(Dynalite.find(Dynalite.candidates(List.of(), bin.toString()))).isEmpty();
  }

  /** A dynalite package as npm lays it out: the package, and its command linked from a bin directory. */
  private static Path install(Path packageDir, Path binDir) throws Exception {
    Files.createDirectories(packageDir);
    Files.writeString(packageDir.resolve("package.json"), "{\"name\":\"dynalite\"}");
    Path cli = Files.writeString(packageDir.resolve("cli.js"), "#!/usr/bin/env node\n");
    Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(binDir);
    Files.createSymbolicLink(binDir.resolve("dynalite"), cli);
    return packageDir;
  }
}
