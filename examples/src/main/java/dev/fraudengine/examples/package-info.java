/**
 * The {@code fraud} command-line runner and small programs that show how a service embeds the engine. Everything
 * here uses the public API of the library only, as a user would.
 */
package dev.fraudengine.examples;
