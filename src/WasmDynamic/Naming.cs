using System.Text;

namespace WasmDynamic;

/// <summary>
/// Maps WIT kebab-case names to .NET names and back: the one case rule of the library. It sits with the public
/// vocabulary (the first link of the folder chain) because that vocabulary uses it (<see cref="ComponentRecord"/>'s
/// <c>ToString</c>), as do the WIT model, the binding policy and everything above.
/// </summary>
internal static class Naming
{
    /// <summary><c>blue-ish</c> → <c>BlueIsh</c>; <c>[method]counter.get</c> → <c>Get</c>.</summary>
    public static string ToPascalCase(string kebab)
    {
        var sb = new StringBuilder(kebab.Length);
        var upper = true;
        foreach (var c in kebab)
        {
            if (c is '-' or '_' or '.' or ' ' or ':' or '/' or '@')
            {
                upper = true;
                continue;
            }

            if (!char.IsLetterOrDigit(c))
            {
                continue;
            }

            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        if (sb.Length == 0 || char.IsDigit(sb[0]))
        {
            sb.Insert(0, '_');
        }

        return sb.ToString();
    }

    /// <summary><c>blue-ish</c> → <c>blueIsh</c>.</summary>
    public static string ToCamelCase(string kebab)
    {
        var pascal = ToPascalCase(kebab);
        return pascal[0] == '_' ? pascal : char.ToLowerInvariant(pascal[0]) + pascal[1..];
    }

    /// <summary><c>BlueIsh</c> or <c>blueIsh</c> → <c>blue-ish</c>; a kebab name is returned unchanged.</summary>
    public static string ToKebabCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '_')
            {
                sb.Append('-');
                continue;
            }

            if (char.IsUpper(c))
            {
                var prevLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var nextLower = i + 1 < name.Length && char.IsLower(name[i + 1]) && i > 0 && char.IsUpper(name[i - 1]);
                if (sb.Length > 0 && sb[^1] != '-' && (prevLowerOrDigit || nextLower))
                {
                    sb.Append('-');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>True when a .NET member name designates the WIT name (PascalCase, camelCase or kebab, case-insensitive).</summary>
    public static bool Matches(string dotnetName, string witName) =>
        string.Equals(dotnetName, witName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(dotnetName, ToPascalCase(witName), StringComparison.OrdinalIgnoreCase)
        || string.Equals(ToKebabCase(dotnetName), witName, StringComparison.Ordinal);
}
