// WaveParser: the literal tokens of WAVE (numbers, chars, strings and their escapes).
using System.Globalization;
using System.Text;

namespace WasmDynamic.Cli;

internal sealed partial class WaveParser
{
    private WaveNumber Number()
    {
        var start = _pos;
        if (_text[_pos] == '-')
        {
            _pos++;
        }

        var digits = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }

        if (_pos == digits)
        {
            throw new WaveException("expected digits", _pos);
        }

        if (_pos < _text.Length && _text[_pos] == '.')
        {
            _pos++;
            var frac = _pos;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }

            if (_pos == frac)
            {
                throw new WaveException("expected digits after '.'", _pos);
            }
        }

        if (_pos < _text.Length && _text[_pos] is 'e' or 'E')
        {
            _pos++;
            if (_pos < _text.Length && _text[_pos] is '+' or '-')
            {
                _pos++;
            }

            var exp = _pos;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }

            if (_pos == exp)
            {
                throw new WaveException("expected digits in the exponent", _pos);
            }
        }

        if (_pos < _text.Length && (char.IsAsciiLetter(_text[_pos]) || _text[_pos] == '_'))
        {
            throw new WaveException($"unexpected '{_text[_pos]}' in a number", _pos);
        }

        return new WaveNumber(_text[start.._pos], start);
    }

    private WaveChar Char(int start)
    {
        _pos++;
        if (_pos >= _text.Length)
        {
            throw new WaveException("unterminated char literal", start);
        }

        Rune r;
        if (_text[_pos] == '\\')
        {
            r = Escape();
        }
        else
        {
            if (Rune.DecodeFromUtf16(_text.AsSpan(_pos), out r, out var used) != System.Buffers.OperationStatus.Done || _text[_pos] == '\'')
            {
                throw new WaveException("a char literal holds exactly one character", start);
            }

            _pos += used;
        }

        if (_pos >= _text.Length || _text[_pos] != '\'')
        {
            throw new WaveException("a char literal holds exactly one character; close it with '", start);
        }

        _pos++;
        return new WaveChar(r, start);
    }

    private string StringLiteral()
    {
        var start = _pos;
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw new WaveException("unterminated string: it needs a closing \"", start);
            }

            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return sb.ToString();
            }

            if (c == '\\')
            {
                sb.Append(Escape().ToString());
                continue;
            }

            if (c is '\n' or '\r')
            {
                throw new WaveException("a string cannot span lines (write \\n)", _pos);
            }

            sb.Append(c);
            _pos++;
        }
    }

    private Rune Escape()
    {
        var start = _pos;
        _pos++;
        if (_pos >= _text.Length)
        {
            throw new WaveException("unterminated escape", start);
        }

        var c = _text[_pos++];
        switch (c)
        {
            case '\\': return new Rune('\\');
            case '\'': return new Rune('\'');
            case '"': return new Rune('"');
            case 'n': return new Rune('\n');
            case 'r': return new Rune('\r');
            case 't': return new Rune('\t');
            case 'u':
            {
                if (_pos >= _text.Length || _text[_pos] != '{')
                {
                    throw new WaveException("a unicode escape is written \\u{hex}", start);
                }

                var close = _text.IndexOf('}', _pos);
                if (close < 0)
                {
                    throw new WaveException("a unicode escape is written \\u{hex}", start);
                }

                var hex = _text[(_pos + 1)..close];
                _pos = close + 1;
                if (hex.Length is 0 or > 6 || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code) || !Rune.IsValid(code))
                {
                    throw new WaveException($"\\u{{{hex}}} is not a Unicode scalar value", start);
                }

                return new Rune(code);
            }

            default:
                throw new WaveException($"unknown escape '\\{c}' (use \\\\, \\', \\\", \\n, \\r, \\t or \\u{{hex}})", start);
        }
    }
}
