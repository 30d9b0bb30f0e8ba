// Program: how a failure becomes a message on standard error and an exit code.
using System.Text.RegularExpressions;
using WasmDynamic.Wit;

namespace WasmDynamic.Cli;

public static partial class Program
{
    private sealed partial class Tool
    {
        private static string Where(string text, int position) =>
            position < 0 ? string.Empty : $"\n  {text}\n  {new string(' ', Math.Min(position, text.Length))}^";

        /// <summary>
        /// For Wasmtime's "unknown import: `iface#func` has not been defined" trap: one line naming the import and its WIT
        /// signature (and the export that was running), or null for any other trap.
        /// </summary>
        private string? UnimplementedImport(ComponentTrapException trap)
        {
            var message = trap.Message;
            string name;
            if (trap.InnerException is UnimplementedImportException unimplemented)
            {
                // A function of an interface that --stub implements in part.
                name = unimplemented.Import;
            }
            else if (UnknownImport().Match(message) is { Success: true } m)
            {
                name = m.Groups[1].Value;
            }
            else
            {
                return null;
            }

            var hash = name.LastIndexOf('#');
            var function = hash < 0
                ? _world?.ImportedFunctions.FirstOrDefault(f => f.Name == name)
                : _world?.Imports.FirstOrDefault(i => i.Name == name[..hash])?.FindFunction(name[(hash + 1)..]);
            var signature = function is null ? string.Empty : $" ({function.Signature})";
            var during = message.IndexOf(" In component function ", StringComparison.Ordinal) is var at and >= 0
                ? Headline(message[(at + 1)..]).Split('\n')[0]
                : string.Empty;
            return $"the component called the import {name}{signature}, which is not implemented here: it traps when called. {during}".TrimEnd();
        }

        [GeneratedRegex(@"unknown import: `([^`]+)` has not been defined")]
        private static partial Regex UnknownImport();

        /// <summary>A trap's message without the guest backtrace that follows it (kept for --verbose).</summary>
        private static string Headline(string message)
        {
            var at = message.IndexOf("Guest backtrace:", StringComparison.Ordinal);
            var head = (at < 0 ? message : message[..at]).TrimEnd();
            var lines = head.Split('\n');
            return lines.Length <= 3 ? head : string.Join('\n', lines.Take(3)) + "\n  (--verbose prints the whole trap)";
        }

        private int Fail(string message)
        {
            error.WriteLine("error: " + message);
            return 1;
        }

        /// <summary>Runs a command, turning the library's exceptions into a message and exit code 1.</summary>
        private int Guard(Func<int> action)
        {
            try
            {
                return action();
            }
            catch (UsageException e)
            {
                return Fail(e.Message);
            }
            catch (StubException e)
            {
                return Fail(e.Message);
            }
            catch (ComponentLoadException e)
            {
                return Fail(e.Message);
            }
            catch (ComponentBindingException e)
            {
                return Fail(e.Message);
            }
            catch (ComponentTrapException e)
            {
                return Fail(UnimplementedImport(e) ?? "the component trapped: " + (_verbose ? e.Message : Headline(e.Message)));
            }
            catch (WasmDynamicException e)
            {
                return Fail(e.Message);
            }
            catch (ArgumentException e)
            {
                return Fail(e.Message);
            }
            catch (IOException e)
            {
                return Fail(e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                return Fail(e.Message);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Fail($"{e.GetType().Name}: {e.Message}");
            }
        }
    }
}
