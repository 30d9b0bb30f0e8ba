// WitPrinter: the text of types, signatures and resource members, and the indented output.
using System.Text;

namespace WasmDynamic.Wit;

public static partial class WitPrinter
{
    /// <summary>Spells types, with names made up for unnamed nominal types where the printer declared them.</summary>
    private sealed class TypeText(IReadOnlyDictionary<WitType, string>? madeUp)
    {
        public string Reference(WitType t)
        {
            if (t.Name is not null)
            {
                return Identifier(t.Name);
            }

            return madeUp is not null && madeUp.TryGetValue(t, out var name) ? Identifier(name) : Structure(t);
        }

        public string Structure(WitType t) => t switch
        {
            WitPrimitive p => p.Kind == WitTypeKind.ErrorContext ? "error-context" : p.Kind.ToString().ToLowerInvariant(),
            WitList l => $"list<{Reference(l.Element)}>",
            WitFixedSizeList l => $"list<{Reference(l.Element)}, {l.Length}>",
            WitTuple tu => $"tuple<{string.Join(", ", tu.Types.Select(Reference))}>",
            WitOption o => $"option<{Reference(o.Inner)}>",
            WitResult { Ok: null, Err: null } => "result",
            WitResult { Ok: { } ok, Err: null } => $"result<{Reference(ok)}>",
            WitResult { Ok: null, Err: { } err } => $"result<_, {Reference(err)}>",
            WitResult { Ok: { } ok, Err: { } err } => $"result<{Reference(ok)}, {Reference(err)}>",
            WitHandle { IsBorrow: true } h => $"borrow<{Identifier(h.Resource.Name!)}>",
            WitHandle h => Identifier(h.Resource.Name!),
            WitMap m => $"map<{Reference(m.Key)}, {Reference(m.Value)}>",
            WitFuture { Payload: { } payload } => $"future<{Reference(payload)}>",
            WitFuture => "future",
            WitStream { Payload: { } payload } => $"stream<{Reference(payload)}>",
            WitStream => "stream",
            WitRecord r => "record { " + string.Join(", ", r.Fields.Select(f => Identifier(f.Name) + ": " + Reference(f.Type))) + " }",
            WitVariant v => "variant { " + string.Join(", ", v.Cases.Select(Case)) + " }",
            WitEnum e => "enum { " + string.Join(", ", e.Cases.Select(Identifier)) + " }",
            WitFlags f => "flags { " + string.Join(", ", f.Flags.Select(Identifier)) + " }",
            _ => t.Name is null ? t.Kind.ToString().ToLowerInvariant() : Identifier(t.Name),
        };

        public string Case(WitCase c) => Identifier(c.Name) + (c.Payload is null ? string.Empty : "(" + Reference(c.Payload) + ")");

        /// <summary>
        /// <c>func(a: T) -> R</c>, <c>async func(…)</c> or <c>constructor(…)</c>; a method's <c>self</c> is left out, and
        /// so is a constructor's result when it is the resource itself.
        /// </summary>
        public string Function(WitFunction f)
        {
            var sb = new StringBuilder();
            if (f.IsAsync)
            {
                sb.Append("async ");
            }

            sb.Append(f.Kind == WitFunctionKind.Constructor ? "constructor(" : "func(");
            var parameters = f.Kind == WitFunctionKind.Method ? f.Parameters.Skip(1) : f.Parameters;
            sb.Append(string.Join(", ", parameters.Select(p => Identifier(p.Name) + ": " + Reference(p.Type))));
            sb.Append(')');
            var shorthand = f.Kind == WitFunctionKind.Constructor && f.Result is WitHandle { IsBorrow: false } h && h.Resource.Name == f.ResourceName;
            if (f.Result is not null && !shorthand)
            {
                sb.Append(" -> ").Append(Reference(f.Result));
            }

            return sb.ToString();
        }

        /// <summary>A member of <c>resource r { … }</c>, without the semicolon.</summary>
        public string ResourceMember(WitFunction f) => f.Kind switch
        {
            WitFunctionKind.Constructor => Function(f),
            WitFunctionKind.Method => Identifier(f.ShortName) + ": " + Function(f),
            _ => Identifier(f.ShortName) + ": static " + Function(f),
        };

        /// <summary>
        /// <c>name: func(…)</c> for a freestanding function; a resource function that cannot go inside its resource keeps
        /// its full name (<c>[method]r.f</c>), which is not valid WIT but says what it is.
        /// </summary>
        public string Item(WitFunction f) =>
            Identifier(f.Kind == WitFunctionKind.Freestanding ? f.ShortName : f.Name) + ": " + Function(f);
    }

    /// <summary>Text output with two-space indentation and wasm-tools' blank-line bookkeeping.</summary>
    private sealed class Output
    {
        private readonly StringBuilder _text = new();
        private int _indent;
        private bool _needsIndent;

        /// <summary>Whether the current block has an item already, so that the next one is set apart by a blank line.</summary>
        public bool AnyItems { get; set; }

        public bool ReplaceAnyItems(bool value)
        {
            var previous = AnyItems;
            AnyItems = value;
            return previous;
        }

        public void NewItem()
        {
            if (AnyItems)
            {
                Newline();
            }

            AnyItems = true;
        }

        public void Str(string text)
        {
            if (_needsIndent)
            {
                _text.Append(' ', 2 * _indent);
                _needsIndent = false;
            }

            _text.Append(text);
        }

        public void Newline()
        {
            _text.Append('\n');
            _needsIndent = true;
        }

        public void Semicolon()
        {
            _text.Append(';');
            Newline();
        }

        public void IndentStart()
        {
            _text.Append(" {");
            _indent++;
            Newline();
        }

        public void IndentEnd()
        {
            _indent = Math.Max(0, _indent - 1);
            Str("}");
            Newline();
        }

        public override string ToString() => _text.ToString();
    }
}
