"""Development e-mail, printed to the server's console as a person reads it.

Django's console backend prints the message as it would go over the wire: a body line longer than 78
characters is quoted-printable, cut with `=` at the end of each piece, so a confirmation link came out broken
in the middle of its token and could not be copied from the console. This backend prints the headers that
matter and the text body decoded, each line whole."""

from django.core.mail.backends.console import EmailBackend


class ReadableConsoleBackend(EmailBackend):
    def write_message(self, message):
        self.stream.write(f"From: {message.from_email}\n")
        self.stream.write(f"To: {', '.join(message.to)}\n")
        self.stream.write(f"Subject: {message.subject}\n\n")
        self.stream.write(f"{message.body}\n")
        self.stream.write("-" * 79 + "\n")
