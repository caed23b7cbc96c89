/** The {@code oceanj} command line: subcommands that try mappings and jq without Port. */
package dev.oceanj.runtime.cli;
