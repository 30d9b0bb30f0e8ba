# Native callbacks that run on Wasmtime's fibers (async calls) instead of managed code. CoreCLR cannot walk a
# thread whose managed frames sit on a foreign stack: a GC that suspends a thread while a managed callback runs on
# a Wasmtime fiber crashes the process. These three routines only copy memory and return; the managed side reads
# what they recorded after wasmtime_call_future_poll returns, on the thread's own stack.
# Layouts (offsets in bytes) are pinned by tests against HostCallTrampoline's constants.
#
# Mailbox (the store's data pointer, wasmtime_context_get_data):
#   0 state (0 idle, 1 host call waiting)   8 import id   16 results*   24 result count
#   32 argument count   40 argument buffer*   48 argument capacity   56 done flag (byte; the continuation's env)
#   64 drop queue* (u64: tag << 32 | rep)   72 drop count   80 drop capacity
        .intel_syntax noprefix
        .text

# void host_call(void* data, wasmtime_context_t* ctx, const func_type*, val* args, size_t nargs,
#                val* results, size_t nresults, wasmtime_error_t** error, wasmtime_async_continuation_t* cont)
# data: 0 wasmtime_context_get_data   8 import id   16 poll_done   24 wasmtime_error_new
#       32 message: no mailbox   40 message: too many arguments
# A store without a mailbox, or more arguments than the mailbox holds, is an error (a trap), not a host call.
        .globl host_call
host_call:
        push rbx
        push r12
        push r13
        push r14
        push r15
        mov rbx, rdi
        mov r12, rcx
        mov r13, r8
        mov r14, r9
        mov rdi, rsi
        call qword ptr [rbx]
        test rax, rax
        jz 5f
        mov r15, rax
        cmp r13, [r15+48]
        ja 6f
        mov rax, [rbx+8]
        mov [r15+8], rax
        mov [r15+16], r14
        mov rax, [rsp+48]
        mov [r15+24], rax
        mov [r15+32], r13
        mov byte ptr [r15+56], 0
        mov rdi, [r15+40]
        xor rcx, rcx
1:      cmp rcx, r13
        jae 2f
        mov rax, rcx
        shl rax, 5
        movdqu xmm0, [r12+rax]
        movdqu xmm1, [r12+rax+16]
        movdqu [rdi+rax], xmm0
        movdqu [rdi+rax+16], xmm1
        mov byte ptr [r12+rax], 0
        mov byte ptr [r12+rax+8], 0
        inc rcx
        jmp 1b
2:      mov qword ptr [r15], 1
        mov rax, [rsp+64]
        mov rdx, [rbx+16]
        mov [rax], rdx
        lea rdx, [r15+56]
        mov [rax+8], rdx
        mov qword ptr [rax+16], 0
        jmp 9f
5:      mov rdi, [rbx+32]
        jmp 7f
6:      mov rdi, [rbx+40]
7:      call qword ptr [rbx+24]
        mov rdx, [rsp+56]
        mov [rdx], rax
9:      pop r15
        pop r14
        pop r13
        pop r12
        pop rbx
        ret

# bool poll_done(uint8_t* done)
        .globl poll_done
poll_done:
        movzx eax, byte ptr [rdi]
        ret

# wasmtime_error_t* resource_drop(void* data, wasmtime_context_t* ctx, uint32_t rep)
# data: 0 wasmtime_context_get_data   8 tag   16 wasmtime_error_new   24 message: queue full   32 message: no mailbox
        .globl resource_drop
resource_drop:
        push rbx
        push r12
        push r13
        mov rbx, rdi
        mov r12d, edx
        mov rdi, rsi
        call qword ptr [rbx]
        test rax, rax
        jz 3f
        mov rcx, [rax+72]
        cmp rcx, [rax+80]
        jae 1f
        mov rdx, [rax+64]
        mov r13, [rbx+8]
        shl r13, 32
        or r13, r12
        mov [rdx+rcx*8], r13
        inc rcx
        mov [rax+72], rcx
        xor eax, eax
        jmp 2f
1:      mov rdi, [rbx+24]
        call qword ptr [rbx+16]
        jmp 2f
3:      mov rdi, [rbx+32]
        call qword ptr [rbx+16]
2:      pop r13
        pop r12
        pop rbx
        ret

# ssize_t output_write(void* data, const uint8_t* buffer, size_t length)
# data: 0 bytes*   8 length   16 capacity   24 realloc
        .globl output_write
output_write:
        push rbx
        push r12
        push r13
        push r14
        sub rsp, 8
        mov rbx, rdi
        mov r12, rsi
        mov r13, rdx
        mov rax, [rbx+8]
        add rax, r13
        cmp rax, [rbx+16]
        jbe 2f
        mov r14, [rbx+16]
        add r14, r14
        cmp r14, rax
        jae 1f
        mov r14, rax
1:      mov rdi, [rbx]
        mov rsi, r14
        call qword ptr [rbx+24]
        test rax, rax
        jz 3f
        mov [rbx], rax
        mov [rbx+16], r14
2:      mov rdi, [rbx]
        add rdi, [rbx+8]
        mov rsi, r12
        mov rcx, r13
        rep movsb
        add [rbx+8], r13
        mov rax, r13
        jmp 4f
3:      mov rax, -1
4:      add rsp, 8
        pop r14
        pop r13
        pop r12
        pop rbx
        ret
