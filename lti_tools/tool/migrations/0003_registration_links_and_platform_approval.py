from django.db import migrations, models
import django.db.models.deletion
import django.utils.timezone


class Migration(migrations.Migration):

    dependencies = [
        ('lti_tool', '0002_link_ags_and_bare_links'),
    ]

    operations = [
        migrations.AddField(
            model_name='platform',
            name='approved',
            field=models.BooleanField(default=True, help_text="May this platform frame our pages (CSP frame-ancestors)? A platform that registered itself through a registration link waits for an administrator's approval."),
        ),
        migrations.CreateModel(
            name='RegistrationLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(max_length=64, unique=True)),
                ('note', models.CharField(blank=True, help_text='Who the link was made for.', max_length=200)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('platform', models.ForeignKey(blank=True, help_text='The platform registered with this link.', null=True, on_delete=django.db.models.deletion.SET_NULL, to='lti_tool.platform')),
            ],
        ),
    ]
