using System.Text;

namespace WasmDynamic.Bindgen;

/// <summary>Writes indented C# text, four spaces a level, with <c>\n</c> line ends.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public void Line(string text = "")
    {
        if (text.Length > 0)
        {
            _text.Append(' ', _indent * 4);
            _text.Append(text);
        }

        _text.Append('\n');
    }

    /// <summary>Writes each line of <paramref name="text"/> (split on <c>\n</c>) at the current indentation.</summary>
    public void Lines(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            Line(line);
        }
    }

    public void Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    /// <summary>A <c>/// &lt;summary&gt;</c> block; <paramref name="summary"/> is XML already.</summary>
    public void Summary(string summary)
    {
        Line("/// <summary>");
        foreach (var line in summary.Split('\n'))
        {
            Line("/// " + line);
        }

        Line("/// </summary>");
    }

    public override string ToString() => _text.ToString();
}
