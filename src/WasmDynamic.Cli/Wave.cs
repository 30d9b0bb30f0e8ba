using System.Text;

namespace WasmDynamic.Cli;

/// <summary>A syntax error in WAVE text, with the 0-based offset where it was found.</summary>
internal sealed class WaveException : Exception
{
    public WaveException(string message, int position)
        : base(message) => Position = position;

    public WaveException(string message)
        : base(message) => Position = -1;

    public int Position { get; }
}

/// <summary>
/// A WAVE value as written, before its WIT type is known: WAVE's syntax alone does not tell an enum from a variant
/// case or <c>true</c> from a label, so values are read untyped and converted against the function's WIT types.
/// </summary>
internal abstract record WaveNode(int Position);

/// <summary>A number as written: <c>-12</c>, <c>3.5</c>, <c>1e-3</c>.</summary>
internal sealed record WaveNumber(string Text, int Position) : WaveNode(Position);

/// <summary><c>'x'</c>.</summary>
internal sealed record WaveChar(Rune Value, int Position) : WaveNode(Position);

/// <summary><c>"text"</c>.</summary>
internal sealed record WaveString(string Value, int Position) : WaveNode(Position);

/// <summary><c>[a, b]</c>.</summary>
internal sealed record WaveList(IReadOnlyList<WaveNode> Items, int Position) : WaveNode(Position);

/// <summary><c>(a, b)</c>.</summary>
internal sealed record WaveTuple(IReadOnlyList<WaveNode> Items, int Position) : WaveNode(Position);

/// <summary><c>{x: 1, y: 2}</c>.</summary>
internal sealed record WaveRecord(IReadOnlyList<(string Name, WaveNode Value)> Fields, int Position) : WaveNode(Position);

/// <summary><c>{read, write}</c> or <c>{}</c>.</summary>
internal sealed record WaveFlags(IReadOnlyList<string> Names, int Position) : WaveNode(Position);

/// <summary>
/// A label with an optional payload: an enum case, a variant case (<c>rect({x: 1, y: 2})</c>), <c>some(x)</c>,
/// <c>none</c>, <c>ok(x)</c>, <c>err(e)</c>, <c>true</c>, <c>false</c>, <c>nan</c>, <c>inf</c>. <see cref="Escaped"/> is true
/// for <c>%name</c>, which is always a label.
/// </summary>
internal sealed record WaveLabel(string Name, WaveNode? Payload, bool Escaped, int Position) : WaveNode(Position);

/// <summary>
/// Reads WAVE (the WebAssembly Value Encoding, as <c>wasmtime run --invoke</c> takes it): values and calls such as
/// <c>add(1, 2)</c>.
/// </summary>
internal sealed partial class WaveParser
{
    private readonly string _text;
    private int _pos;

    private WaveParser(string text) => _text = text;

    /// <summary>A call: <c>name(arg, …)</c>, where name may be qualified as <c>interface#name</c>.</summary>
    public static (string Function, IReadOnlyList<WaveNode> Arguments) ParseCall(string text)
    {
        var p = new WaveParser(text);
        p.SkipSpace();
        var open = p.FindCallParen();
        var name = text[p._pos..open].Trim();
        if (name.Length == 0)
        {
            throw new WaveException("expected a function name before '('", p._pos);
        }

        p._pos = open + 1;
        var args = p.Sequence(')');
        p.SkipSpace();
        if (p._pos < text.Length)
        {
            throw new WaveException($"unexpected '{text[p._pos]}' after the call's closing ')'", p._pos);
        }

        return (name, args);
    }

    /// <summary>One value.</summary>
    public static WaveNode ParseValue(string text)
    {
        var p = new WaveParser(text);
        var v = p.Value();
        p.SkipSpace();
        if (p._pos < text.Length)
        {
            throw new WaveException($"unexpected '{text[p._pos]}' after the value", p._pos);
        }

        return v;
    }

    private int FindCallParen()
    {
        for (var i = _pos; i < _text.Length; i++)
        {
            if (_text[i] == '(')
            {
                return i;
            }

            if (_text[i] is '"' or '\'' or '{' or ')')
            {
                break;
            }
        }

        throw new WaveException("expected a call such as add(1, 2): a function name followed by arguments in parentheses", _pos);
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length)
        {
            if (char.IsWhiteSpace(_text[_pos]))
            {
                _pos++;
            }
            else if (_text[_pos] == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else
            {
                break;
            }
        }
    }

    private char Peek()
    {
        SkipSpace();
        return _pos < _text.Length ? _text[_pos] : '\0';
    }

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw new WaveException(_pos < _text.Length ? $"expected '{c}' but found '{_text[_pos]}'" : $"expected '{c}' but the text ended", _pos);
        }

        _pos++;
    }

    /// <summary>Comma-separated values up to <paramref name="close"/> (a trailing comma is allowed).</summary>
    private List<WaveNode> Sequence(char close)
    {
        var items = new List<WaveNode>();
        while (true)
        {
            if (Peek() == close)
            {
                _pos++;
                return items;
            }

            items.Add(Value());
            var c = Peek();
            if (c == ',')
            {
                _pos++;
                continue;
            }

            if (c == close)
            {
                _pos++;
                return items;
            }

            throw new WaveException(_pos < _text.Length ? $"expected ',' or '{close}' but found '{_text[_pos]}'" : $"expected ',' or '{close}' but the text ended", _pos);
        }
    }

    private WaveNode Value()
    {
        var c = Peek();
        var start = _pos;
        switch (c)
        {
            case '\0':
                throw new WaveException("expected a value but the text ended", _pos);
            case '[':
                _pos++;
                return new WaveList(Sequence(']'), start);
            case '(':
                _pos++;
                return new WaveTuple(Sequence(')'), start);
            case '{':
                _pos++;
                return Braces(start);
            case '"':
                return new WaveString(StringLiteral(), start);
            case '\'':
                return Char(start);
            case '-' when _pos + 1 < _text.Length && _text[_pos + 1] == 'i':
                _pos++;
                var inf = Label();
                if (inf.Name != "inf" || inf.Escaped)
                {
                    throw new WaveException("expected a number after '-'", start);
                }

                return new WaveNumber("-inf", start);
        }

        if (c == '-' || char.IsAsciiDigit(c))
        {
            return Number();
        }

        if (c == '%' || char.IsAsciiLetter(c))
        {
            var label = Label();
            if (Peek() == '(')
            {
                _pos++;
                var payload = Value();
                Expect(')');
                return label with { Payload = payload };
            }

            return label;
        }

        throw new WaveException($"unexpected '{c}': expected a value (a number, 'c', \"text\", [list], (tuple), {{record}}, {{flags}} or a label)", _pos);
    }

    private WaveNode Braces(int start)
    {
        if (Peek() == '}')
        {
            _pos++;
            return new WaveFlags([], start);
        }

        if (Peek() == ':')
        {
            // {:} is the empty record.
            _pos++;
            Expect('}');
            return new WaveRecord([], start);
        }

        var first = Label();
        if (Peek() == ':')
        {
            var fields = new List<(string, WaveNode)>();
            var name = first;
            while (true)
            {
                Expect(':');
                fields.Add((name.Name, Value()));
                var c = Peek();
                if (c == ',')
                {
                    _pos++;
                    if (Peek() == '}')
                    {
                        _pos++;
                        return new WaveRecord(fields, start);
                    }

                    name = Label();
                    continue;
                }

                Expect('}');
                return new WaveRecord(fields, start);
            }
        }

        var names = new List<string> { first.Name };
        while (true)
        {
            var c = Peek();
            if (c == ',')
            {
                _pos++;
                if (Peek() == '}')
                {
                    _pos++;
                    return new WaveFlags(names, start);
                }

                names.Add(Label().Name);
                continue;
            }

            Expect('}');
            return new WaveFlags(names, start);
        }
    }

    private WaveLabel Label()
    {
        SkipSpace();
        var start = _pos;
        var escaped = false;
        if (_pos < _text.Length && _text[_pos] == '%')
        {
            escaped = true;
            _pos++;
        }

        var nameStart = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '-'))
        {
            _pos++;
        }

        var name = _text[nameStart.._pos];
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]) || name.EndsWith('-') || name.Contains("--", StringComparison.Ordinal))
        {
            throw new WaveException(name.Length == 0 ? "expected a label (a kebab-case name)" : $"'{name}' is not a valid label (kebab-case: words of letters and digits joined by '-')", start);
        }

        return new WaveLabel(name, null, escaped, start);
    }
}
